//go:build amd64 && !purego

#include "textflag.h"

// func unescapeRun(dst, src []byte) (i, j int, hi bool)
// See unescaperun_amd64.go. SSE2 only (GOAMD64=v1).
TEXT ·unescapeRun(SB), NOSPLIT, $0-65
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R13
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), R8
	MOVQ R8, DX
	SUBQ $16, DX            // the last i a block may start at
	SUBQ $16, R13           // the last j a block may be written at
	XORQ AX, AX             // i: read from src
	XORQ R9, R9             // j: written to dst
	XORL R12, R12           // OR of the copied bytes' high bits
	LEAQ ·runEscape(SB), R11
	MOVQ $0x2222222222222222, BX
	MOVQ BX, X1
	PUNPCKLQDQ X1, X1       // '"' in every byte
	MOVQ $0x5c5c5c5c5c5c5c5c, BX
	MOVQ BX, X2
	PUNPCKLQDQ X2, X2       // '\\' in every byte

loop:
	CMPQ AX, DX
	JGT  done
	CMPQ R9, R13
	JGT  done
	MOVOU (SI)(AX*1), X0
	MOVOU X0, (DI)(R9*1)
	MOVO X0, X3
	PCMPEQB X1, X3
	MOVO X0, X4
	PCMPEQB X2, X4
	POR  X4, X3
	PMOVMSKB X3, BX         // quotes and backslashes
	PMOVMSKB X0, R10        // high bits
	TESTL BX, BX
	JNZ  found
	ORL  R10, R12
	ADDQ $16, AX
	ADDQ $16, R9
	JMP  loop

found:
	BSFL BX, CX             // the first quote or backslash in the block
	ADDQ CX, AX
	ADDQ CX, R9
	MOVL $1, BX
	SHLL CX, BX
	DECL BX
	ANDL BX, R10            // high bits of the bytes before it
	ORL  R10, R12
	MOVBLZX (SI)(AX*1), BX
	CMPL BX, $0x22
	JEQ  done               // the closing quote
	LEAQ 1(AX), CX
	CMPQ CX, R8
	JGE  done               // a backslash ending src
	MOVBLZX (SI)(CX*1), BX
	MOVBLZX (R11)(BX*1), BX // what a two-byte escape stands for, or 0
	TESTL BX, BX
	JZ   done               // \u or invalid: the caller's
	MOVB BX, (DI)(R9*1)     // j < len(dst): the block was written there
	ADDQ $2, AX
	INCQ R9
	JMP  loop

done:
	MOVQ AX, i+48(FP)
	MOVQ R9, j+56(FP)
	TESTL R12, R12
	SETNE hi+64(FP)
	RET
