// The instructions a user process may not execute, one function each, written as bytes where Go's
// assembler has no mnemonic. Each runs with the registers it needs (an address of mapped memory in
// BX, a port in DX), so that only the privilege level can make it fault. Then int 0x80, the i386
// syscall ABI, and the ways to reach address 0.
#include "textflag.h"

#define INSN(name, bytes) TEXT name(SB), NOSPLIT, $16-0; \
	LEAQ 0(SP), BX; MOVQ $0x80, DX; XORQ AX, AX; \
	bytes; \
	RET

INSN(·movToDR7, BYTE $0x0f; BYTE $0x23; BYTE $0xf8)   // mov %rax,%dr7
INSN(·movFromDR7, BYTE $0x0f; BYTE $0x21; BYTE $0xf8) // mov %dr7,%rax
INSN(·movToCR0, BYTE $0x0f; BYTE $0x22; BYTE $0xc0)   // mov %rax,%cr0
INSN(·movFromCR3, BYTE $0x0f; BYTE $0x20; BYTE $0xd8) // mov %cr3,%rax
INSN(·inPort, BYTE $0xec)                             // in (%dx),%al
INSN(·outPort, BYTE $0xee)                            // out %al,(%dx)
INSN(·hlt, BYTE $0xf4)
INSN(·cli, BYTE $0xfa)
INSN(·sti, BYTE $0xfb)
INSN(·rdmsr, BYTE $0x0f; BYTE $0x32)
INSN(·wrmsr, BYTE $0x0f; BYTE $0x30)
INSN(·lgdt, BYTE $0x0f; BYTE $0x01; BYTE $0x13)       // lgdt (%rbx)
INSN(·lidt, BYTE $0x0f; BYTE $0x01; BYTE $0x1b)       // lidt (%rbx)
INSN(·lldt, BYTE $0x0f; BYTE $0x00; BYTE $0xd0)       // lldt %ax
INSN(·ltr, BYTE $0x0f; BYTE $0x00; BYTE $0xd8)        // ltr %ax
INSN(·invlpg, BYTE $0x0f; BYTE $0x01; BYTE $0x3b)     // invlpg (%rbx)
INSN(·wbinvd, BYTE $0x0f; BYTE $0x09)
INSN(·clts, BYTE $0x0f; BYTE $0x06)
INSN(·swapgs, BYTE $0x0f; BYTE $0x01; BYTE $0xf8)
INSN(·int0x0d, BYTE $0xcd; BYTE $0x0d)                // int $0xd: its gate is the kernel's (DPL 0)
INSN(·int3, BYTE $0xcc)

// func int80(nr, b, c, d uint32) int64: the i386 ABI through int 0x80; rax comes back whole.
TEXT ·int80(SB), NOSPLIT, $0-24
	MOVL nr+0(FP), AX
	MOVL b+4(FP), BX
	MOVL c+8(FP), CX
	MOVL d+12(FP), DX
	BYTE $0xcd; BYTE $0x80
	MOVQ AX, ret+16(FP)
	RET

// func callZero(): a call through a nil function pointer.
TEXT ·callZero(SB), NOSPLIT, $0-0
	XORQ AX, AX
	CALL AX
	RET

// func sigreturnToZero(): rt_sigreturn of a frame whose saved rip is 0 (cs and ss as Linux's user
// segments, so that the return itself is legal and only the jump to 0 faults).
TEXT ·sigreturnToZero(SB), 0, $1024-0
	MOVQ SP, DI
	MOVQ $128, CX
	XORQ AX, AX
	CLD
	REP; STOSQ
	MOVW $0x33, 184(SP) // uc_mcontext.cs (ucontext: flags, link, stack = 40 bytes; sigcontext.cs at +144)
	MOVW $0x2b, 190(SP) // uc_mcontext.ss
	MOVQ $15, AX        // rt_sigreturn: the frame is the ucontext at rsp
	SYSCALL
	RET
