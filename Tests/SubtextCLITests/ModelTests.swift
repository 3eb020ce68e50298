import Testing

/// The suites that run a model: a llama-server, libllama, or lab training. They run one test
/// at a time. On CI's 2 cores, several llama-servers and a training run at once starved each
/// other until requests outlived their timeouts; one at a time, each test gets the cores it
/// would get alone, and the suite as a whole takes about as long, since all of them are
/// CPU-bound.
@Suite(.serialized) enum ModelTests {}
