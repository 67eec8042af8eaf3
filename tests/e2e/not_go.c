/* A static C program: a valid x86-64 executable that is not a Go binary (gostart-emu must refuse it). */
#include <stdio.h>
int main(void) { puts("not go"); return 0; }
