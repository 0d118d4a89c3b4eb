#include <iostream>

#include "adapters/cli/commands.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    return tilsyn::run_cli(args, std::cout, std::cerr);
}
