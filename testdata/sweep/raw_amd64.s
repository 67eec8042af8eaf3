#include "textflag.h"

// func rawPair(nr, a0, a1, a2, a3, a4, a5, pnr, p0, p1, p2, p3, p4, p5 uintptr) uintptr
//
// One raw syscall and, unless pnr is -1, a second one right after it with no Go code between them:
// the second puts back what the first changed (the FS base, a signal action, a locked future) before
// the Go runtime could trip over it.
TEXT ·rawPair(SB), NOSPLIT, $0-120
	MOVQ nr+0(FP), AX
	MOVQ a0+8(FP), DI
	MOVQ a1+16(FP), SI
	MOVQ a2+24(FP), DX
	MOVQ a3+32(FP), R10
	MOVQ a4+40(FP), R8
	MOVQ a5+48(FP), R9
	SYSCALL
	MOVQ AX, ret+112(FP)
	MOVQ pnr+56(FP), AX
	CMPQ AX, $-1
	JEQ done
	MOVQ p0+64(FP), DI
	MOVQ p1+72(FP), SI
	MOVQ p2+80(FP), DX
	MOVQ p3+88(FP), R10
	MOVQ p4+96(FP), R8
	MOVQ p5+104(FP), R9
	SYSCALL
done:
	RET
