#ifndef SUBTEXT_LLAMA_H
#define SUBTEXT_LLAMA_H

#include <stddef.h>
#include <stdint.h>

/// A loaded model and one inference context, from libllama.so opened at run time.
typedef struct subtext_llama subtext_llama;

/// Loads libllama (and its ggml libraries) from `library_dir`, then the GGUF at `model_path`,
/// with room for up to `n_seq` sequences of up to `n_ctx` tokens each. On failure returns NULL
/// and writes the reason into `error`.
subtext_llama *subtext_llama_open(const char *library_dir, const char *model_path, int32_t n_ctx, int32_t n_seq,
                                  int32_t n_threads, char *error, size_t error_capacity);
void subtext_llama_close(subtext_llama *llama);

/// Tokenizes `text`; returns the token count, or minus the needed capacity when `capacity` is short.
int32_t subtext_llama_tokenize(subtext_llama *llama, const char *text, int32_t add_special, int32_t parse_special,
                               int32_t *tokens, int32_t capacity);

/// Formats a system (may be NULL) and user message with the model's own chat template, ending
/// where the assistant's reply begins. Returns the length, or minus the needed capacity.
int32_t subtext_llama_chat_prompt(subtext_llama *llama, const char *system, const char *user, char *out, int32_t capacity);

/// Scores `n_sequences` token sequences laid end to end in `tokens`: sequence i has `lengths[i]`
/// tokens, and `out[i]` receives the sum of log P(token t | tokens before t) for t from
/// `starts[i]` to its end. All sequences go through one decode call. Returns 0, -100 when a
/// sequence is too long or there are too many, or a negative llama_decode status.
int32_t subtext_llama_score(subtext_llama *llama, const int32_t *tokens, const int32_t *lengths, const int32_t *starts,
                            int32_t n_sequences, double *out);

#endif
