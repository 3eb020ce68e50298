"""Writes an F16 copy of a quantized GGUF: the same weights, stored so that llama.cpp's fast
CPU matrix kernels (llamafile's tinyBLAS) can take them.

tinyBLAS covers F32, F16, BF16, Q8_0, Q4_0, Q5_0 and IQ4_NL, but not Q4_1, the format of the
SmolLM2 GGUF that Subtext ships against; Q4_1 falls back to ggml's generic dot products.
Dequantizing is exact up to F16 rounding (scores agree with an F32 copy within 0.01 nats), and
scoring runs about 1.9x faster (benchmarks/attribution_speed.sh). F32 tensors (norms) stay F32.

    python scripts/dequantize_gguf.py IN.gguf OUT.gguf     (needs PyPI's gguf and numpy)
"""
import os
import sys

import gguf
import numpy as np
from gguf.quants import dequantize


def main(source: str, target: str) -> None:
    reader = gguf.GGUFReader(source)
    architecture = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    partial = target + ".tmp"
    writer = gguf.GGUFWriter(partial, architecture)
    for field in reader.fields.values():
        # The writer adds the architecture and the GGUF.* header fields itself.
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        if field.name == gguf.Keys.General.FILE_TYPE:
            writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
            continue
        kind = field.types[0]
        writer.add_key_value(field.name, field.contents(), kind,
                             sub_type=field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None)
    for tensor in reader.tensors:
        if tensor.tensor_type == gguf.GGMLQuantizationType.F32:
            writer.add_tensor(tensor.name, np.asarray(tensor.data), raw_dtype=gguf.GGMLQuantizationType.F32)
        else:
            values = dequantize(tensor.data, tensor.tensor_type).astype(np.float16)
            writer.add_tensor(tensor.name, values, raw_dtype=gguf.GGMLQuantizationType.F16)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(partial, target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
