// The engine's statistics that Python analyses reuse (engine/stats.hpp), so an interval computed
// in a Python module (the optimiser's front in the report) is the one the CLI's tables print.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <vector>

#include "engine/stats.hpp"
#include "python/src/register.hpp"

namespace py = pybind11;

namespace govsim::python {

void register_stats(py::module_& m) {
  m.def(
      "ratio_of_paired_means",
      [](const std::vector<double>& gain, const std::vector<double>& cost, double level) {
        const stats::Ratio r = stats::ratio_of_paired_means(gain, cost, level);
        return py::make_tuple(r.ratio, r.ci_low, r.ci_high);
      },
      py::arg("gain"), py::arg("cost"), py::arg("level") = 0.95,
      "mean(gain) / mean(cost) over paired replicates and its t-interval by the delta method "
      "(NaN below 2 pairs or when the cost's interval contains 0), as cost_effectiveness.csv.");
}

}  // namespace govsim::python
