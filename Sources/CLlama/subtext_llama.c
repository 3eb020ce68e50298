// Loads libllama.so at run time and scores token sequences in batches. Compiled against the
// vendored llama.h for its types; every function is looked up with dlsym, so nothing links.
#include "subtext_llama.h"
#include "llama.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLAMA_FUNCTIONS(X)                                                                           \
    X(llama_backend_init) X(llama_log_set) X(llama_model_default_params) X(llama_context_default_params) \
    X(llama_model_load_from_file) X(llama_init_from_model) X(llama_model_get_vocab) X(llama_vocab_n_tokens) \
    X(llama_tokenize) X(llama_model_chat_template) X(llama_chat_apply_template) X(llama_batch_init)     \
    X(llama_batch_free) X(llama_decode) X(llama_get_logits_ith) X(llama_get_memory) X(llama_memory_clear) \
    X(llama_memory_seq_rm) X(llama_token_to_piece) X(llama_vocab_eot) X(llama_vocab_eos) X(llama_adapter_lora_init) X(llama_set_adapters_lora) \
    X(llama_free) X(llama_model_free) X(llama_model_meta_val_str)

struct subtext_llama {
#define FIELD(name) __typeof__(&name) name;
    LLAMA_FUNCTIONS(FIELD)
#undef FIELD
    struct llama_model *model;
    struct llama_context *context;
    const struct llama_vocab *vocab;
    int32_t n_ctx;
    // The tokens whose keys and values the cache holds, in order, so the next text can reuse
    // the prefix it shares with them.
    int32_t *cached;
    int32_t n_cached;
    // log P(cached[p] | cached[<p]) where known[p]: a text that shares a scored prefix with
    // the previous one (two answers opening "12, 40, ") takes those scores instead of
    // decoding the prefix again for its logits.
    double *score;
    unsigned char *known;
};

static void quiet(enum ggml_log_level level, const char *text, void *data) {
    (void)level; (void)text; (void)data;
}

static int open_library(const char *dir, const char *name, char *error, size_t capacity) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (dlopen(path, RTLD_NOW | RTLD_GLOBAL)) return 1;
    snprintf(error, capacity, "cannot load %s: %s", path, dlerror());
    return 0;
}

subtext_llama *subtext_llama_open(const char *library_dir, const char *model_path, int32_t n_ctx, int32_t n_threads,
                                  int32_t exact, char *error, size_t error_capacity) {
    // Dependencies first, so libllama's own lookups find them whatever its run path says.
    const char *libraries[] = {"libggml-base.so", "libggml-cpu.so", "libggml.so", "libllama.so"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof libraries / sizeof *libraries; i++) {
        if (!open_library(library_dir, libraries[i], error, error_capacity)) return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/libllama.so", library_dir);
    handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    subtext_llama *llama = calloc(1, sizeof *llama);
#define LOOKUP(name)                                                                          \
    llama->name = (__typeof__(&name))dlsym(handle, #name);                                   \
    if (!llama->name) {                                                                       \
        snprintf(error, error_capacity, "%s has no %s: not the llama.cpp version Subtext expects", path, #name); \
        free(llama);                                                                          \
        return NULL;                                                                          \
    }
    LLAMA_FUNCTIONS(LOOKUP)
#undef LOOKUP
    llama->llama_log_set(quiet, NULL);
    llama->llama_backend_init();
    struct llama_model_params model_params = llama->llama_model_default_params();
    llama->model = llama->llama_model_load_from_file(model_path, model_params);
    if (!llama->model) {
        snprintf(error, error_capacity, "cannot load the model %s", model_path);
        free(llama);
        return NULL;
    }
    struct llama_context_params params = llama->llama_context_default_params();
    // One sequence, decoded in one micro-batch: a text's values then depend only on its own
    // tokens. Several sequences per micro-batch made the same text score up to 0.3 nats apart
    // by its place in the batch, and 32-token micro-batches to avoid that ran at a fraction
    // of the speed (benchmarks/attribution_speed.sh).
    params.n_ctx = (uint32_t)n_ctx;
    params.n_batch = (uint32_t)n_ctx;
    params.n_ubatch = (uint32_t)n_ctx;
    params.n_seq_max = 1;
    params.n_threads = n_threads;
    params.n_threads_batch = n_threads;
    if (exact) {
        params.type_k = GGML_TYPE_F32;
        params.type_v = GGML_TYPE_F32;
        params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    }
    llama->context = llama->llama_init_from_model(llama->model, params);
    if (!llama->context) {
        snprintf(error, error_capacity, "cannot make a context of %d tokens", n_ctx);
        llama->llama_model_free(llama->model);
        free(llama);
        return NULL;
    }
    llama->vocab = llama->llama_model_get_vocab(llama->model);
    llama->n_ctx = n_ctx;
    llama->cached = calloc((size_t)n_ctx, sizeof *llama->cached);
    llama->score = calloc((size_t)n_ctx, sizeof *llama->score);
    llama->known = calloc((size_t)n_ctx, sizeof *llama->known);
    return llama;
}

void subtext_llama_close(subtext_llama *llama) {
    if (!llama) return;
    llama->llama_free(llama->context);
    llama->llama_model_free(llama->model);
    free(llama->cached);
    free(llama->score);
    free(llama->known);
    free(llama);
}

int32_t subtext_llama_tokenize(subtext_llama *llama, const char *text, int32_t add_special, int32_t parse_special,
                               int32_t *tokens, int32_t capacity) {
    return llama->llama_tokenize(llama->vocab, text, (int32_t)strlen(text), tokens, capacity, add_special != 0,
                                 parse_special != 0);
}

int32_t subtext_llama_chat_prompt(subtext_llama *llama, const char *system, const char *user, char *out, int32_t capacity) {
    llama_chat_message messages[2];
    size_t count = 0;
    if (system) messages[count++] = (llama_chat_message){"system", system};
    messages[count++] = (llama_chat_message){"user", user};
    const char *template = llama->llama_model_chat_template(llama->model, NULL);
    if (!template) {
        // Gemma's base models ship without a template; their tokenizer knows Gemma's turn
        // markers, which llama.cpp's built-in "gemma" template writes. Others fall back to ChatML.
        char architecture[32] = "";
        llama->llama_model_meta_val_str(llama->model, "general.architecture", architecture, sizeof architecture);
        if (strncmp(architecture, "gemma", 5) == 0) template = "gemma";
    }
    int32_t length = llama->llama_chat_apply_template(template, messages, count, true, out, capacity);
    return length > capacity ? -length : length;
}

// e^x for x <= 0, within 3e-7 relative: glibc's exp took 0.5 ms of every scored token's
// 49,152-way softmax; this plain-arithmetic version vectorizes and takes about a sixth of that.
// Cody-Waite reduction to r in [-ln2/2, ln2/2], a degree-6 Taylor polynomial, then 2^n built in
// the exponent bits (the shifter leaves n, rounded, in the low mantissa bits of t).
static inline float exp_nonpositive(float x) {
    x = x < -87.0f ? -87.0f : x;
    const float shifter = 12582912.0f;
    float t = x * 1.44269504088896341f + shifter;
    float n = t - shifter;
    float r = x - n * 0.693145751953125f - n * 1.42860682030941723e-6f;
    float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t scale_bits = (bits - 0x4B400000 + 127) << 23;
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

// log softmax(logits)[token], with the normalizer summed in eight double lanes.
static double log_probability(const float *logits, int32_t n_vocab, int32_t token) {
    float top = logits[0];
    for (int32_t v = 1; v < n_vocab; v++) top = logits[v] > top ? logits[v] : top;
    double lanes[8] = {0};
    int32_t v = 0;
    for (; v + 8 <= n_vocab; v += 8) {
        float terms[8];
        for (int k = 0; k < 8; k++) terms[k] = exp_nonpositive(logits[v + k] - top);
        for (int k = 0; k < 8; k++) lanes[k] += terms[k];
    }
    for (; v < n_vocab; v++) lanes[0] += exp_nonpositive(logits[v] - top);
    double mass = 0;
    for (int k = 0; k < 8; k++) mass += lanes[k];
    return (double)(logits[token] - top) - log(mass);
}

// Makes the cache hold `tokens`, decoding from the first of them it does not already hold (but
// never after `first_logits`), with logits for positions `first_logits` to `length - 2`: those
// that predict tokens[first_logits + 1] onwards. Returns the batch whose logits the context now
// holds (free it with llama_batch_free) and the position of its first token in `*reuse_out`, or a
// batch of n_tokens 0 with the failure in `*status`.
static struct llama_batch decode(subtext_llama *llama, const int32_t *tokens, int32_t length, int32_t first_logits,
                                 int32_t *reuse_out, int32_t *status) {
    int32_t common = 0;
    while (common < llama->n_cached && common < length && llama->cached[common] == tokens[common]) common++;
    int32_t reuse = common < first_logits ? common : first_logits;
    llama_memory_t memory = llama->llama_get_memory(llama->context);
    if (!llama->llama_memory_seq_rm(memory, 0, reuse, -1)) {
        llama->llama_memory_clear(memory, true);
        reuse = 0;
    }
    memset(llama->known + reuse, 0, (size_t)(llama->n_ctx - reuse));
    llama->n_cached = reuse;
    int32_t count = length - reuse;
    struct llama_batch batch = llama->llama_batch_init(count, 0, 1);
    for (int32_t i = 0; i < count; i++) {
        int32_t position = reuse + i;
        batch.token[i] = tokens[position];
        batch.pos[i] = position;
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = position >= first_logits && position < length - 1;
    }
    batch.n_tokens = count;
    *status = llama->llama_decode(llama->context, batch);
    if (*status != 0) {
        llama->llama_batch_free(batch);
        llama->llama_memory_clear(memory, true);
        llama->n_cached = 0;
        memset(llama->known, 0, (size_t)llama->n_ctx);
        batch.n_tokens = 0;
        return batch;
    }
    memcpy(llama->cached + reuse, tokens + reuse, (size_t)count * sizeof *tokens);
    llama->n_cached = length;
    *reuse_out = reuse;
    return batch;
}

int32_t subtext_llama_score(subtext_llama *llama, const int32_t *tokens, int32_t length, int32_t start, double *out) {
    if (length > llama->n_ctx || start < 1 || start > length) return -100;
    int32_t common = 0;
    while (common < llama->n_cached && common < length && llama->cached[common] == tokens[common]) common++;
    // Scores already known for this text's first scored tokens are taken; the first one not
    // known needs the logits of the token before it, so the cache is kept up to that token.
    int32_t unknown = start;
    while (unknown < common && llama->known[unknown]) unknown++;
    double sum = 0;
    for (int32_t p = start; p < unknown; p++) sum += llama->score[p];
    if (unknown == length) {
        *out = sum;
        return 0;
    }
    int32_t reuse = 0, status = 0;
    struct llama_batch batch = decode(llama, tokens, length, unknown - 1, &reuse, &status);
    if (status != 0) return status < 0 ? status : -status;
    int32_t count = batch.n_tokens;
    int32_t n_vocab = llama->llama_vocab_n_tokens(llama->vocab);
    for (int32_t i = 0; i < count; i++) {
        if (!batch.logits[i]) continue;
        int32_t scored = reuse + i + 1;
        llama->score[scored] = log_probability(llama->llama_get_logits_ith(llama->context, i), n_vocab, tokens[scored]);
        llama->known[scored] = 1;
        sum += llama->score[scored];
    }
    *out = sum;
    llama->llama_batch_free(batch);
    return count;
}

int32_t subtext_llama_vocabulary_size(subtext_llama *llama) { return llama->llama_vocab_n_tokens(llama->vocab); }

int32_t subtext_llama_piece(subtext_llama *llama, int32_t token, char *out, int32_t capacity) {
    int32_t length = llama->llama_token_to_piece(llama->vocab, token, out, capacity, 0, false);
    return length > capacity ? -length : length;
}

int32_t subtext_llama_log_softmax(subtext_llama *llama, const int32_t *tokens, int32_t length, int32_t start, float *out) {
    if (length > llama->n_ctx || start < 1 || start > length) return -100;
    if (start == length) return 0;
    int32_t reuse = 0, status = 0;
    struct llama_batch batch = decode(llama, tokens, length, start - 1, &reuse, &status);
    if (status != 0) return status < 0 ? status : -status;
    int32_t n_vocab = llama->llama_vocab_n_tokens(llama->vocab);
    for (int32_t i = 0; i < batch.n_tokens; i++) {
        if (!batch.logits[i]) continue;
        const float *logits = llama->llama_get_logits_ith(llama->context, i);
        float *row = out + (size_t)(reuse + i + 1 - start) * (size_t)n_vocab;
        float top = logits[0];
        for (int32_t v = 1; v < n_vocab; v++) top = logits[v] > top ? logits[v] : top;
        double mass = 0;
        for (int32_t v = 0; v < n_vocab; v++) mass += exp_nonpositive(logits[v] - top);
        float normalizer = top + (float)log(mass);
        for (int32_t v = 0; v < n_vocab; v++) row[v] = logits[v] - normalizer;
    }
    int32_t count = batch.n_tokens;
    llama->llama_batch_free(batch);
    return count;
}

int32_t subtext_llama_end_of_turn(subtext_llama *llama) {
    llama_token eot = llama->llama_vocab_eot(llama->vocab);
    return eot != LLAMA_TOKEN_NULL ? eot : llama->llama_vocab_eos(llama->vocab);
}

int32_t subtext_llama_use_adapter(subtext_llama *llama, const char *path, char *error, size_t error_capacity) {
    struct llama_adapter_lora *adapter = llama->llama_adapter_lora_init(llama->model, path);
    if (!adapter) {
        snprintf(error, error_capacity, "cannot load %s as a LoRA adapter of this model", path);
        return -1;
    }
    float scale = 1.0f;
    if (llama->llama_set_adapters_lora(llama->context, &adapter, 1, &scale) != 0) {
        snprintf(error, error_capacity, "cannot apply the LoRA adapter %s", path);
        return -1;
    }
    // Keys and values cached under the model without the adapter no longer hold.
    llama->llama_memory_clear(llama->llama_get_memory(llama->context), true);
    llama->n_cached = 0;
    memset(llama->known, 0, (size_t)llama->n_ctx);
    return 0;
}
