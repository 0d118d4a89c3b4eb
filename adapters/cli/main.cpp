#include <chrono>
#include <csignal>
#include <iostream>

#include "adapters/cli/commands.hpp"
#include "engine/clock.hpp"

namespace {

// The only reader of the system clock: everything below takes the time from a Clock.
class SystemClock final : public tilsyn::Clock {
  public:
    tilsyn::Instant now() const override {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    // A peer closing a socket (SMTP) must give an error to handle, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    const SystemClock clock;
    return tilsyn::run_cli(args, std::cout, std::cerr, clock);
}
