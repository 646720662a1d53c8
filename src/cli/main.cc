#include "cli/app.h"

int main(int argc, char** argv) { return tierguard::cli::run_app(argc, argv); }
