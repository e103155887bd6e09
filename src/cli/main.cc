// The `memdb` executable: RunCli (cli.h) over the process's arguments and streams.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const memdb::cli::CliIo io{std::cout, std::cerr, memdb::cli::ProcessEnvironment(),
                             isatty(STDERR_FILENO) == 1};
  const int code = memdb::cli::RunCli(args, io);
  std::cout.flush();
  return code;
}
