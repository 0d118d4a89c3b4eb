// Shared by the fuzz targets: an invariant that does not hold is a crash libFuzzer keeps.
#pragma once

#include <cstdio>
#include <cstdlib>

#define TILSYN_FUZZ_ASSERT(condition)                                                              \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)
