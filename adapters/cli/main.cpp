#include <csignal>
#include <iostream>

#include "adapters/cli/commands.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    // A peer closing a socket (SMTP) must give an error to handle, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    return tilsyn::run_cli(args, std::cout, std::cerr);
}
