// The need-arrival calendar (docs/performance.md, "Work proportional to events"): for each chunk
// of kChunk residents and each week, an intrusive singly-linked list of the residents whose next
// need arrives that week. The link of resident i is Population::due_link[i] (the local index of
// the next resident due the same week, within the same chunk), so the calendar costs 2 bytes per
// adult plus one head per chunk and week. A week visits only the residents due that week and
// those with a pending episode (help_seeking.cpp), not the whole population.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace govsim::inclusion {

// The residents of a chunk (first index `first`) whose bit is set in `words[0..n_words)`, in
// resident order, appended to `ids`; the bit of a resident for whom `keep(i)` is false is cleared
// instead (the bitmaps of pending episodes and of unaware adults are cleaned lazily this way).
template <class Keep>
void take_set_bits(std::uint64_t* words, std::size_t n_words, std::size_t first, Keep keep,
                   std::vector<std::uint32_t>& ids) {
  for (std::size_t wd = 0; wd < n_words; ++wd)
    for (std::uint64_t bits = words[wd]; bits; bits &= bits - 1) {
      const int b = std::countr_zero(bits);
      const std::size_t i = first + wd * 64 + static_cast<std::size_t>(b);
      if (keep(i))
        ids.push_back(static_cast<std::uint32_t>(i));
      else
        words[wd] &= ~(std::uint64_t{1} << b);
    }
}

class NeedCalendar {
 public:
  static constexpr std::uint16_t kNil = 0xFFFF;  // end of a list

  // Empty lists for `chunks` chunks and weeks 0..last_week.
  void reset(std::size_t chunks, int last_week) {
    weeks_ = static_cast<std::size_t>(last_week) + 1;
    head_.assign(chunks * weeks_, kNil);
  }
  // Puts local resident `local` of chunk `chunk` on the list of `week` (0 <= week <= last_week).
  // Only the thread working on `chunk` may call it.
  void push(std::vector<std::uint16_t>& link, std::size_t chunk, std::size_t first,
            std::uint16_t local, int week) {
    std::uint16_t& h = head_[chunk * weeks_ + static_cast<std::size_t>(week)];
    link[first + local] = h;
    h = local;
  }
  // Takes (empties) the list of `week` of `chunk`; returns its first local index or kNil.
  std::uint16_t take(std::size_t chunk, int week) {
    std::uint16_t& h = head_[chunk * weeks_ + static_cast<std::size_t>(week)];
    const std::uint16_t first = h;
    h = kNil;
    return first;
  }
  std::size_t weeks() const { return weeks_; }

 private:
  std::size_t weeks_ = 0;
  std::vector<std::uint16_t> head_;  // [chunk][week]
};

}  // namespace govsim::inclusion
