// Thin entry point: the inclusion model behind the generic CLI.
#include "engine/cli/cli.hpp"
#include "models/inclusion/model.hpp"

int main(int argc, char** argv) {
  const govsim::inclusion::InclusionAdapter model;
  return govsim::cli::main(argc, argv, model);
}
