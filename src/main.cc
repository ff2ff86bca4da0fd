// The composition root: everything is wired in src/cli; main only hands over argv and returns
// the exit code.
#include "cli/cli.h"

int main(int argc, char** argv) { return s3proc::RunCli(argc, argv); }
