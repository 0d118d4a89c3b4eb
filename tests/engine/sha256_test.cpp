#include "engine/sha256.hpp"

#include <catch2/catch.hpp>

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors", "[sha256]") {
    CHECK(tilsyn::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(tilsyn::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(tilsyn::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(tilsyn::sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 gives the same digest however the input is split", "[sha256]") {
    const std::string text(200, 'x');
    for (std::size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 199u}) {
        tilsyn::Sha256 split;
        split.update(std::string_view(text).substr(0, cut));
        split.update(std::string_view(text).substr(cut));
        tilsyn::Sha256 whole;
        whole.update(text);
        CHECK(split.finish() == whole.finish());
    }
}

TEST_CASE("token hashes compare in constant time and exactly", "[sha256]") {
    CHECK(tilsyn::constant_time_equal("abc", "abc"));
    CHECK_FALSE(tilsyn::constant_time_equal("abc", "abd"));
    CHECK_FALSE(tilsyn::constant_time_equal("abc", "abcd"));
}
