import Foundation
import SubtextTestSupport
import Testing

@testable import SubtextModels

@Suite(.serialized) struct ClientTests {
    private func request(_ modelID: String, sample: Int = 0) -> ModelRequest {
        ModelRequest(
            model: "m", modelID: modelID, system: nil, user: "Favorite animal?", temperature: 1, maxTokens: 8,
            seed: 1000 + sample, scoring: nil, promptID: "p", sample: sample)
    }

    /// 429 then 500 are retried, honouring Retry-After, and the third try's answer comes back.
    @Test func retryableStatusesAreRetried() async throws {
        let server = try LoopbackModelServer()
        let client = OpenAIClient(
            endpoint: Endpoint(name: "m", baseURL: server.baseURL, modelID: "flaky"),
            retry: RetryPolicy(baseDelay: 0.01, maximumDelay: 0.05))
        let completion = try await client.complete(request("flaky"))
        #expect(completion.text == "My favorite is the owl.")
        #expect(completion.topLogprobs?.first == TokenLogprob(token: "Owl", logprob: -0.2))
        #expect(server.statuses() == ["429": 1, "500": 1, "200": 1])
    }

    @Test func otherClientErrorsAreTerminal() async throws {
        let server = try LoopbackModelServer()
        let client = OpenAIClient(endpoint: Endpoint(name: "m", baseURL: server.baseURL, modelID: "reject"))
        await #expect(throws: ModelError.self) { try await client.complete(request("reject")) }
        #expect(server.statuses() == ["400": 1])
    }

    /// A refused connection is retried until the budget runs out, then reported.
    @Test func refusedConnectionsAreRetriedWithinTheBudget() async throws {
        let refusing = try RefusingPort()
        let client = OpenAIClient(
            endpoint: Endpoint(name: "m", baseURL: "http://127.0.0.1:\(refusing.port)/v1", modelID: "x"),
            retry: RetryPolicy(attempts: 4, baseDelay: 0.01, maximumDelay: 0.02, budget: 1), timeout: 1)
        let started = Date()
        await #expect {
            try await client.complete(request("x"))
        } throws: { error in
            guard case ModelError.unavailable = error else { return false }
            return true
        }
        // Four refused attempts and tiny waits take milliseconds; the margin is wide because the
        // suite shares 2 cores with llama.cpp. Before the pool stopped retrying connections
        // behind the policy's back, this took 162 s in a loaded CI run.
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func retryDelaysAreBoundedAndHonourRetryAfter() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy(attempts: 5, baseDelay: 1, maximumDelay: 4, budget: 10)
        for attempt in 0..<4 {
            let delay = policy.delay(attempt: attempt, retryAfter: nil, waited: 0, generator: &generator)!
            #expect(delay >= 0 && delay <= min(4, pow(2, Double(attempt))))
        }
        #expect(policy.delay(attempt: 0, retryAfter: 3, waited: 0, generator: &generator)! >= 3)
        #expect(policy.delay(attempt: 4, retryAfter: nil, waited: 0, generator: &generator) == nil)
        #expect(policy.delay(attempt: 0, retryAfter: 11, waited: 0, generator: &generator) == nil)
        #expect(RetryPolicy.retryAfter(" 2 ") == 2)
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }

    /// The default policy gives up only when its budget is spent, whatever the jitter drew: a
    /// server that restarts within `budget - maximumDelay` seconds is always waited for.
    @Test func defaultRetriesLastTheWholeBudget() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy()
        for _ in 0..<100 {
            var waited = 0.0
            var attempt = 0
            while let wait = policy.delay(attempt: attempt, retryAfter: nil, waited: waited, generator: &generator) {
                waited += wait
                attempt += 1
            }
            #expect(waited > policy.budget - policy.maximumDelay && waited <= policy.budget)
        }
    }

    @Test func shorthandParses() throws {
        let endpoint = try Endpoint(shorthand: "base=http://127.0.0.1:8080/v1#smollm2")
        #expect(endpoint == Endpoint(name: "base", baseURL: "http://127.0.0.1:8080/v1", modelID: "smollm2"))
        #expect(try Endpoint(shorthand: "b=http://h/v1").modelID == "default")
        #expect(throws: ModelError.self) { try Endpoint(shorthand: "nourl") }
        #expect(throws: ModelError.self) { try Endpoint(shorthand: "x=not a url") }
    }
}
