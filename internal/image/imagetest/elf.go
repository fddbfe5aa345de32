// Package imagetest makes stand-in release binaries for the image builder's
// tests: the smallest ELF files that debug/elf reads as the real ones' kind.
package imagetest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// Binary is a 64-bit little-endian Linux ELF executable header for arch
// ("amd64" or "arm64"; anything else gets machine EM_NONE), followed by
// payload, so that two stand-ins of one architecture can differ.
func Binary(arch, payload string) []byte {
	return build(arch, payload, false)
}

// DynamicBinary is Binary with a PT_INTERP program header: a binary that
// asks for a dynamic loader.
func DynamicBinary(arch, payload string) []byte {
	return build(arch, payload, true)
}

func build(arch, payload string, interp bool) []byte {
	machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
	const headerSize, progSize = 64, 56
	var phoff uint64
	var phnum uint16
	if interp {
		phoff, phnum = headerSize, 1
	}
	var b bytes.Buffer
	b.Write([]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)})
	b.Write(make([]byte, 9)) // OS ABI, ABI version, padding: e_ident is 16 bytes
	le := binary.LittleEndian
	for _, v := range []any{
		uint16(elf.ET_EXEC), uint16(machine), uint32(elf.EV_CURRENT),
		uint64(0), phoff, uint64(0), // entry, program headers, section headers
		uint32(0), uint16(headerSize), uint16(progSize), phnum, // flags, sizes, count
		uint16(64), uint16(0), uint16(0), // section header size, count, names index
	} {
		_ = binary.Write(&b, le, v) // writes to a bytes.Buffer do not fail
	}
	if interp {
		for _, v := range []any{uint32(elf.PT_INTERP), uint32(elf.PF_R), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(1)} {
			_ = binary.Write(&b, le, v)
		}
	}
	b.WriteString(payload)
	return b.Bytes()
}
