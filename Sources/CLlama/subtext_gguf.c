// Reads and writes GGUF files with ggml's own gguf code, from libggml-base.so opened at run
// time, as subtext_llama.c does for libllama: the format's corner cases (alignment, versions,
// every quantisation's block layout) stay llama.cpp's to get right.
#include "subtext_gguf.h"
#include "ggml.h"
#include "gguf.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GGML_FUNCTIONS(X)                                                                                   \
    X(gguf_init_from_file) X(gguf_init_empty) X(gguf_free) X(gguf_find_key) X(gguf_get_kv_type)            \
    X(gguf_get_arr_type) X(gguf_get_arr_n) X(gguf_get_arr_str) X(gguf_get_val_str) X(gguf_get_val_u8)      \
    X(gguf_get_val_i8) X(gguf_get_val_u16) X(gguf_get_val_i16) X(gguf_get_val_u32) X(gguf_get_val_i32)     \
    X(gguf_get_val_f32) X(gguf_get_val_u64) X(gguf_get_val_i64) X(gguf_get_val_f64) X(gguf_get_val_bool)   \
    X(gguf_get_n_tensors) X(gguf_get_tensor_name) X(gguf_get_tensor_type) X(gguf_get_tensor_offset)        \
    X(gguf_get_tensor_size) X(gguf_get_tensor_ne) X(gguf_get_data_offset) X(gguf_set_kv) X(gguf_set_val_str) X(gguf_set_val_f32) \
    X(gguf_set_val_u32) X(gguf_add_tensor) X(gguf_write_to_file) X(ggml_get_type_traits) X(ggml_init)      \
    X(ggml_free) X(ggml_new_tensor_2d) X(ggml_set_name) X(ggml_tensor_overhead) X(ggml_fp32_to_fp16_row)   \
    X(ggml_log_set)

typedef struct {
#define FIELD(name) __typeof__(&name) name;
    GGML_FUNCTIONS(FIELD)
#undef FIELD
} functions;

struct subtext_gguf {
    functions f;
    struct gguf_context *context;
    char *path;
};

struct subtext_gguf_writer {
    functions f;
    struct gguf_context *context;
    // gguf_add_tensor keeps each tensor's data pointer until the file is written.
    struct ggml_context **owners;
    void **data;
    size_t count, capacity;
};

static void quiet(enum ggml_log_level level, const char *text, void *data) {
    (void)level; (void)text; (void)data;
}

static int load(functions *f, const char *library_dir, char *error, size_t capacity) {
    char path[4096];
    snprintf(path, sizeof path, "%s/libggml-base.so", library_dir);
    void *handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        snprintf(error, capacity, "cannot load %s: %s", path, dlerror());
        return 0;
    }
#define LOOKUP(name)                                                                                   \
    f->name = (__typeof__(&name))dlsym(handle, #name);                                                \
    if (!f->name) {                                                                                    \
        snprintf(error, capacity, "%s has no %s: not the llama.cpp version Subtext expects", path, #name); \
        return 0;                                                                                      \
    }
    GGML_FUNCTIONS(LOOKUP)
#undef LOOKUP
    // gguf reports a malformed file through ggml's log as well as by failing; the caller
    // says what failed, with the file's name.
    f->ggml_log_set(quiet, NULL);
    return 1;
}

subtext_gguf *subtext_gguf_open(const char *library_dir, const char *path, char *error, size_t error_capacity) {
    subtext_gguf *gguf = calloc(1, sizeof *gguf);
    if (!load(&gguf->f, library_dir, error, error_capacity)) {
        free(gguf);
        return NULL;
    }
    struct gguf_init_params params = {.no_alloc = true, .ctx = NULL};
    gguf->context = gguf->f.gguf_init_from_file(path, params);
    if (!gguf->context) {
        snprintf(error, error_capacity, "not a GGUF file that ggml can read (bad magic, version, metadata or tensor directory)");
        free(gguf);
        return NULL;
    }
    gguf->path = strdup(path);
    return gguf;
}

void subtext_gguf_close(subtext_gguf *gguf) {
    if (!gguf) return;
    gguf->f.gguf_free(gguf->context);
    free(gguf->path);
    free(gguf);
}

int64_t subtext_gguf_find_key(const subtext_gguf *gguf, const char *key) {
    return gguf->f.gguf_find_key(gguf->context, key);
}

const char *subtext_gguf_string(const subtext_gguf *gguf, int64_t key) {
    if (key < 0 || gguf->f.gguf_get_kv_type(gguf->context, key) != GGUF_TYPE_STRING) return NULL;
    return gguf->f.gguf_get_val_str(gguf->context, key);
}

int32_t subtext_gguf_number(const subtext_gguf *gguf, int64_t key, double *out) {
    if (key < 0) return 0;
    const struct gguf_context *c = gguf->context;
    const functions *f = &gguf->f;
    switch (f->gguf_get_kv_type(c, key)) {
    case GGUF_TYPE_UINT8: *out = f->gguf_get_val_u8(c, key); return 1;
    case GGUF_TYPE_INT8: *out = f->gguf_get_val_i8(c, key); return 1;
    case GGUF_TYPE_UINT16: *out = f->gguf_get_val_u16(c, key); return 1;
    case GGUF_TYPE_INT16: *out = f->gguf_get_val_i16(c, key); return 1;
    case GGUF_TYPE_UINT32: *out = f->gguf_get_val_u32(c, key); return 1;
    case GGUF_TYPE_INT32: *out = f->gguf_get_val_i32(c, key); return 1;
    case GGUF_TYPE_FLOAT32: *out = f->gguf_get_val_f32(c, key); return 1;
    case GGUF_TYPE_UINT64: *out = (double)f->gguf_get_val_u64(c, key); return 1;
    case GGUF_TYPE_INT64: *out = (double)f->gguf_get_val_i64(c, key); return 1;
    case GGUF_TYPE_FLOAT64: *out = f->gguf_get_val_f64(c, key); return 1;
    case GGUF_TYPE_BOOL: *out = f->gguf_get_val_bool(c, key) ? 1 : 0; return 1;
    default: return 0;
    }
}

int64_t subtext_gguf_array_length(const subtext_gguf *gguf, int64_t key) {
    if (key < 0 || gguf->f.gguf_get_kv_type(gguf->context, key) != GGUF_TYPE_ARRAY) return -1;
    return (int64_t)gguf->f.gguf_get_arr_n(gguf->context, key);
}

const char *subtext_gguf_array_string(const subtext_gguf *gguf, int64_t key, size_t index) {
    if (subtext_gguf_array_length(gguf, key) <= (int64_t)index) return NULL;
    if (gguf->f.gguf_get_arr_type(gguf->context, key) != GGUF_TYPE_STRING) return NULL;
    return gguf->f.gguf_get_arr_str(gguf->context, key, index);
}

int64_t subtext_gguf_tensor_count(const subtext_gguf *gguf) { return gguf->f.gguf_get_n_tensors(gguf->context); }

const char *subtext_gguf_tensor_name(const subtext_gguf *gguf, int64_t tensor) {
    return gguf->f.gguf_get_tensor_name(gguf->context, tensor);
}

const char *subtext_gguf_tensor_type(const subtext_gguf *gguf, int64_t tensor) {
    return gguf->f.ggml_get_type_traits(gguf->f.gguf_get_tensor_type(gguf->context, tensor))->type_name;
}

void subtext_gguf_tensor_shape(const subtext_gguf *gguf, int64_t tensor, int64_t ne[4]) {
    memcpy(ne, gguf->f.gguf_get_tensor_ne(gguf->context, tensor), 4 * sizeof *ne);
}

int32_t subtext_gguf_tensor_read(const subtext_gguf *gguf, int64_t tensor, float *out, char *error, size_t error_capacity) {
    const functions *f = &gguf->f;
    enum ggml_type type = f->gguf_get_tensor_type(gguf->context, tensor);
    const struct ggml_type_traits *traits = f->ggml_get_type_traits(type);
    if (type != GGML_TYPE_F32 && !traits->to_float) {
        snprintf(error, error_capacity, "tensor %s is stored as %s, which ggml cannot convert to F32",
                 f->gguf_get_tensor_name(gguf->context, tensor), traits->type_name);
        return -1;
    }
    const int64_t *ne = f->gguf_get_tensor_ne(gguf->context, tensor);
    int64_t count = ne[0] * ne[1] * ne[2] * ne[3];
    size_t size = f->gguf_get_tensor_size(gguf->context, tensor);
    void *raw = malloc(size);
    FILE *file = fopen(gguf->path, "rb");
    long offset = (long)(f->gguf_get_data_offset(gguf->context) + f->gguf_get_tensor_offset(gguf->context, tensor));
    int ok = raw && file && fseek(file, offset, SEEK_SET) == 0 && fread(raw, 1, size, file) == size;
    if (file) fclose(file);
    if (!ok) {
        snprintf(error, error_capacity, "cannot read the %zu bytes of tensor %s at offset %ld", size,
                 f->gguf_get_tensor_name(gguf->context, tensor), offset);
        free(raw);
        return -1;
    }
    if (type == GGML_TYPE_F32) memcpy(out, raw, (size_t)count * sizeof *out);
    else traits->to_float(raw, out, count);
    free(raw);
    return 0;
}

subtext_gguf_writer *subtext_gguf_writer_new(const char *library_dir, char *error, size_t error_capacity) {
    subtext_gguf_writer *writer = calloc(1, sizeof *writer);
    if (!load(&writer->f, library_dir, error, error_capacity)) {
        free(writer);
        return NULL;
    }
    writer->context = writer->f.gguf_init_empty();
    return writer;
}

void subtext_gguf_writer_free(subtext_gguf_writer *writer) {
    if (!writer) return;
    writer->f.gguf_free(writer->context);
    for (size_t i = 0; i < writer->count; i++) {
        writer->f.ggml_free(writer->owners[i]);
        free(writer->data[i]);
    }
    free(writer->owners);
    free(writer->data);
    free(writer);
}

void subtext_gguf_writer_copy_metadata(subtext_gguf_writer *writer, const subtext_gguf *source) {
    writer->f.gguf_set_kv(writer->context, source->context);
}

void subtext_gguf_writer_set_string(subtext_gguf_writer *writer, const char *key, const char *value) {
    writer->f.gguf_set_val_str(writer->context, key, value);
}

void subtext_gguf_writer_set_f32(subtext_gguf_writer *writer, const char *key, float value) {
    writer->f.gguf_set_val_f32(writer->context, key, value);
}

void subtext_gguf_writer_set_u32(subtext_gguf_writer *writer, const char *key, uint32_t value) {
    writer->f.gguf_set_val_u32(writer->context, key, value);
}

int32_t subtext_gguf_writer_add_tensor(subtext_gguf_writer *writer, const char *name, int64_t ne0, int64_t ne1,
                                       int32_t half, const float *values) {
    const functions *f = &writer->f;
    if (writer->count == writer->capacity) {
        size_t capacity = writer->capacity ? 2 * writer->capacity : 64;
        struct ggml_context **owners = realloc(writer->owners, capacity * sizeof *owners);
        if (!owners) return -1;
        writer->owners = owners;
        void **data = realloc(writer->data, capacity * sizeof *data);
        if (!data) return -1;
        writer->data = data;
        writer->capacity = capacity;
    }
    // One small context per tensor holds only its header; the data is ours, so nothing has to
    // know the file's size in advance.
    struct ggml_init_params params = {.mem_size = f->ggml_tensor_overhead(), .mem_buffer = NULL, .no_alloc = true};
    struct ggml_context *owner = f->ggml_init(params);
    size_t count = (size_t)(ne0 * ne1);
    void *data = malloc(count * (half ? 2 : 4));
    if (!owner || !data) {
        if (owner) f->ggml_free(owner);
        free(data);
        return -1;
    }
    struct ggml_tensor *tensor = f->ggml_new_tensor_2d(owner, half ? GGML_TYPE_F16 : GGML_TYPE_F32, ne0, ne1);
    f->ggml_set_name(tensor, name);
    if (half) f->ggml_fp32_to_fp16_row(values, data, (int64_t)count);
    else memcpy(data, values, count * sizeof *values);
    tensor->data = data;
    f->gguf_add_tensor(writer->context, tensor);
    writer->owners[writer->count] = owner;
    writer->data[writer->count] = data;
    writer->count++;
    return 0;
}

int32_t subtext_gguf_writer_write(subtext_gguf_writer *writer, const char *path) {
    return writer->f.gguf_write_to_file(writer->context, path, false) ? 0 : -1;
}
