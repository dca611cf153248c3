// govsim._core: the compiled part of the govsim Python package (wrapped by python/govsim/).
#include <pybind11/pybind11.h>

#include "engine/manifest.hpp"
#include "python/src/register.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "govsim compiled core (private: use the govsim package)";
  m.attr("__version__") = govsim::version();
  m.attr("git_commit") = govsim::git_commit();
  m.attr("source_dir") = GOVSIM_SOURCE_DIR;  // the checkout the package was built from
  govsim::python::register_experiment(m);    // first: defines the exception types
  govsim::python::register_parameters(m);
  govsim::python::register_roles(m);
  govsim::python::register_stats(m);
}
