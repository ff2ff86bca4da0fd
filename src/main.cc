#include <cstdio>
#include "s3proc_version.h"
int main() { std::printf("s3proc %s\n", S3PROC_VERSION); return 0; }
