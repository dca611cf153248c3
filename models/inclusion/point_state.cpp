// An access point's state: the member functions that change its posts, its opening and its
// weekly sessions (point_state.hpp lists who calls each).
#include "models/inclusion/point_state.hpp"

#include <algorithm>
#include <cmath>

namespace govsim::inclusion {

double PointState::funded_fte() const {
  double f = 0;
  for (const auto& post : posts) f += post.fte;
  return f;
}

double PointState::filled_fte(int week) const {
  double f = 0;
  for (const Post& post : posts)
    if (!post.vacant(week)) f += post.fte;
  return f;
}

void PointState::add_posts(double fte, int hire_week) {
  while (fte > 1e-9) {
    posts.push_back({std::min(1.0, fte), hire_week, -1});
    fte -= 1.0;
  }
}

double PointState::delay_posts_from(std::size_t first, int weeks, double fte_cost) {
  double added = 0;
  for (std::size_t j = first; j < posts.size(); ++j) {
    posts[j].hire_week += weeks;
    posts[j].vacant_until += weeks;
    added += posts[j].fte * fte_cost;
  }
  return added;
}

int PointState::cut_posts(double cut) {
  int gone = 0;
  while (cut > 1e-9 && !posts.empty()) {
    Post& last = posts.back();
    const double c = std::min(cut, last.fte);
    last.fte -= c;
    cut -= c;
    if (last.fte <= 1e-9) {
      posts.pop_back();
      ++gone;
    }
  }
  return gone;
}

void PointState::scale_posts(double k) {
  for (Post& post : posts) post.fte *= k;
}

int PointState::close() {
  const int departures = static_cast<int>(std::ceil(funded_fte()));
  open = false;
  posts.clear();
  return departures;
}

void PointState::offer_sessions(double sessions, double workshops_held) {
  // A point offering less than one session a week (a small post, or a small population scale,
  // where one simulated session stands for the sessions of several weeks) keeps last week's
  // unused session until it is used, while its next one waits; otherwise an unused session is
  // lost at the end of its week (docs/model.md §3).
  held = (sessions < 1.0 && capacity > used) ? 1 : 0;
  used = 0;
  offered = sessions;
  workshops += workshops_held;
  if (held) carry = 0;  // the session held stands for this week's time
  const double cap = sessions + carry + held;
  capacity = std::max(0, static_cast<int>(std::floor(cap)));
  carry = cap - capacity;
}

}  // namespace govsim::inclusion
