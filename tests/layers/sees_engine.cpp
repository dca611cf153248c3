// Positive control of the `layers` test: compiled as an engine source, an engine header is found.
#include "engine/errors.hpp"

int govsim_layer_probe_engine() {
  return govsim::InputError("f", "", "x").what()[0];
}
