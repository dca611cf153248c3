// Negative probe of the `layers` test: compiled as an engine source, this must NOT compile,
// because the engine's include root does not hold models/.
#include "models/inclusion/model.hpp"

int govsim_layer_probe_model() {
  return 0;
}
