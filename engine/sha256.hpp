// SHA-256 (FIPS 180-4), for the audit trail's hash chain, token hashes and stable Message-IDs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tilsyn {

class Sha256 {
  public:
    Sha256();
    void update(std::string_view data);
    std::array<std::uint8_t, 32> finish();

  private:
    void block(const std::uint8_t* data);
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

/// Lower-case hex of a digest.
std::string to_hex(const std::array<std::uint8_t, 32>& digest);

/// Lower-case hex of the SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// Compares two strings in time that depends only on their lengths (for token hashes).
bool constant_time_equal(std::string_view a, std::string_view b);

/// 256 bits from the system's random source (getrandom), as 64 lower-case hex digits.
std::string random_hex_256();

/// A new API token: "tls_" and 256 random bits. Only its sha256_hex is ever stored.
std::string new_api_token();

}  // namespace tilsyn
