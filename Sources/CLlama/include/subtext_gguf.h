#ifndef SUBTEXT_GGUF_H
#define SUBTEXT_GGUF_H

#include <stddef.h>
#include <stdint.h>

/// A GGUF file's metadata and tensor directory, read by ggml's own gguf reader from
/// libggml-base.so opened at run time. Tensor data stay on disk until read.
typedef struct subtext_gguf subtext_gguf;

/// Opens `path`; on failure returns NULL and writes the reason into `error`.
subtext_gguf *subtext_gguf_open(const char *library_dir, const char *path, char *error, size_t error_capacity);
void subtext_gguf_close(subtext_gguf *gguf);

/// The index of a metadata key, or -1.
int64_t subtext_gguf_find_key(const subtext_gguf *gguf, const char *key);
/// The key's text, or NULL when it holds no string.
const char *subtext_gguf_string(const subtext_gguf *gguf, int64_t key);
/// Writes a numeric or boolean key's value to `out`; returns 0 when it holds neither.
int32_t subtext_gguf_number(const subtext_gguf *gguf, int64_t key, double *out);
/// The number of elements of an array key, or -1 when it holds no array.
int64_t subtext_gguf_array_length(const subtext_gguf *gguf, int64_t key);
/// Element `index` of an array of strings, or NULL.
const char *subtext_gguf_array_string(const subtext_gguf *gguf, int64_t key, size_t index);

int64_t subtext_gguf_tensor_count(const subtext_gguf *gguf);
const char *subtext_gguf_tensor_name(const subtext_gguf *gguf, int64_t tensor);
/// ggml's name of the tensor's storage type ("f32", "f16", "q4_K", ...).
const char *subtext_gguf_tensor_type(const subtext_gguf *gguf, int64_t tensor);
/// Writes the tensor's four ggml dimensions (ne[0] varies fastest) to `ne`.
void subtext_gguf_tensor_shape(const subtext_gguf *gguf, int64_t tensor, int64_t ne[4]);
/// Reads the tensor from disk as F32 into `out`, which holds ne[0]·ne[1]·ne[2]·ne[3] floats,
/// converting with ggml's own dequantiser. Returns 0, or -1 with the reason in `error`.
int32_t subtext_gguf_tensor_read(const subtext_gguf *gguf, int64_t tensor, float *out, char *error, size_t error_capacity);

/// A GGUF file being assembled in memory, written by ggml's gguf writer.
typedef struct subtext_gguf_writer subtext_gguf_writer;

subtext_gguf_writer *subtext_gguf_writer_new(const char *library_dir, char *error, size_t error_capacity);
void subtext_gguf_writer_free(subtext_gguf_writer *writer);
/// Copies every metadata key of `source` (a model's tokenizer and hyperparameters).
void subtext_gguf_writer_copy_metadata(subtext_gguf_writer *writer, const subtext_gguf *source);
void subtext_gguf_writer_set_string(subtext_gguf_writer *writer, const char *key, const char *value);
void subtext_gguf_writer_set_f32(subtext_gguf_writer *writer, const char *key, float value);
void subtext_gguf_writer_set_u32(subtext_gguf_writer *writer, const char *key, uint32_t value);
/// Adds a tensor of ggml shape [ne0, ne1] (ne0 varies fastest), stored as F16 when `half` is
/// set, else F32. The values are copied. Returns 0, or -1 when out of memory.
int32_t subtext_gguf_writer_add_tensor(subtext_gguf_writer *writer, const char *name, int64_t ne0, int64_t ne1,
                                       int32_t half, const float *values);
/// Writes the file; returns 0, or -1 when it cannot be written.
int32_t subtext_gguf_writer_write(subtext_gguf_writer *writer, const char *path);

#endif
