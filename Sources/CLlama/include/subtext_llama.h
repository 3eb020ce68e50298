#ifndef SUBTEXT_LLAMA_H
#define SUBTEXT_LLAMA_H

#include <stddef.h>
#include <stdint.h>

/// A loaded model and one inference context, from libllama.so opened at run time.
typedef struct subtext_llama subtext_llama;

/// Loads libllama (and its ggml libraries) from `library_dir`, then the GGUF at `model_path`,
/// with room for one sequence of up to `n_ctx` tokens. `exact` keeps attention in F32 (an F32
/// key/value cache, no flash attention), as a check against another F32 implementation needs;
/// otherwise llama.cpp's defaults hold keys and values in F16. On failure returns NULL and
/// writes the reason into `error`.
subtext_llama *subtext_llama_open(const char *library_dir, const char *model_path, int32_t n_ctx, int32_t n_threads,
                                  int32_t exact, char *error, size_t error_capacity);
void subtext_llama_close(subtext_llama *llama);

/// Tokenizes `text`; returns the token count, or minus the needed capacity when `capacity` is short.
int32_t subtext_llama_tokenize(subtext_llama *llama, const char *text, int32_t add_special, int32_t parse_special,
                               int32_t *tokens, int32_t capacity);

/// Formats a system (may be NULL) and user message with the model's own chat template, ending
/// where the assistant's reply begins. Returns the length, or minus the needed capacity.
int32_t subtext_llama_chat_prompt(subtext_llama *llama, const char *system, const char *user, char *out, int32_t capacity);

/// Writes to `out` the sum of log P(token t | tokens before t) for t from `start` to the end of
/// the `length` tokens. The leading tokens it shares with the previous call's are not decoded
/// again, nor are the scores of shared scored tokens computed again, so texts that share a
/// prompt (and texts that share an opening) should come one after another. Returns the number
/// of tokens decoded (0 for a repeat of the previous text), -100 when the text is longer than
/// the context or `start` is out of range, or a negative llama_decode status.
int32_t subtext_llama_score(subtext_llama *llama, const int32_t *tokens, int32_t length, int32_t start, double *out);

/// The number of tokens in the model's vocabulary.
int32_t subtext_llama_vocabulary_size(subtext_llama *llama);

/// Writes the text of `token` (no terminator); returns its length, or minus the needed capacity.
int32_t subtext_llama_piece(subtext_llama *llama, int32_t token, char *out, int32_t capacity);

/// Writes to `out` one row of vocabulary-size log-probabilities for each position from `start`
/// to `length - 1`: row i is log P(· | tokens before start + i), the distribution that token
/// start + i was drawn from. Shares the cache with subtext_llama_score. Returns the number of
/// tokens decoded, -100 when the text is longer than the context or `start` is out of range, or
/// a negative llama_decode status.
int32_t subtext_llama_log_softmax(subtext_llama *llama, const int32_t *tokens, int32_t length, int32_t start, float *out);

/// The token that ends an assistant's turn (end-of-turn, else end-of-sequence), or -1.
int32_t subtext_llama_end_of_turn(subtext_llama *llama);

/// Applies the LoRA adapter at `path` (scale 1, its own alpha) to every later decode. Returns 0,
/// or -1 with the reason in `error`.
int32_t subtext_llama_use_adapter(subtext_llama *llama, const char *path, char *error, size_t error_capacity);

#endif
