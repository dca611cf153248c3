// The govsim command line (Boost.Program_options). Generic over the model adapter.
#pragma once

#include "engine/experiment.hpp"

namespace govsim::cli {

// Exit status: 0 success, 2 bad input, 1 internal error.
int main(int argc, char** argv, const ModelAdapter& model);

}  // namespace govsim::cli
