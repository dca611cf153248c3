// Bytes of the messages between ranks (engine-private): append a value, read one back with a
// bounds check. Used by the run records' wire format (run_wire.cpp) and the farm's messages
// (task_farm.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace govsim::dist {
// resize + memcpy rather than insert(): GCC 12 misreports insert() of a few bytes
// (-Wstringop-overflow).
inline void put_bytes(std::vector<std::uint8_t>& buf, const void* data, std::size_t n) {
  if (n == 0) return;
  const std::size_t at = buf.size();
  buf.resize(at + n);
  std::memcpy(buf.data() + at, data, n);
}

template <class T>
void put(std::vector<std::uint8_t>& buf, const T& v) {
  put_bytes(buf, &v, sizeof(T));
}

template <class T>
T get(const std::uint8_t* data, std::size_t size, std::size_t& pos) {
  if (size - pos < sizeof(T) || pos > size)
    throw std::runtime_error("truncated run records message");
  T v;
  std::memcpy(&v, data + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

inline void get_doubles(const std::uint8_t* data, std::size_t size, std::size_t& pos,
                        std::vector<double>& out, std::uint32_t n) {
  if ((size - pos) / sizeof(double) < n) throw std::runtime_error("truncated run records message");
  out.resize(n);
  if (n != 0) std::memcpy(out.data(), data + pos, n * sizeof(double));
  pos += n * sizeof(double);
}

}  // namespace govsim::dist
