import Foundation

/// When and how long to wait before asking again.
///
/// Retried: 408, 429, 5xx, timeouts, and refused or reset connections (a server restarting).
/// Other 4xx are terminal. Waits grow exponentially with full jitter, never shorter than a
/// server's Retry-After, and all waits of one request stay within `budget`.
///
/// By default only the budget ends the retries. A count of attempts would end them after a time
/// that depends on the jitter (ten attempts wait 21 s on average, and less than 10 s one time
/// in 60), so a server that takes 30 s to restart on a loaded machine would fail most runs; the
/// budget waits two minutes for it, however many short waits that takes.
package struct RetryPolicy: Sendable {
    /// At most this many attempts in all; unlimited by default, so that the budget decides.
    package var attempts: Int
    package var baseDelay: Double
    package var maximumDelay: Double
    /// Seconds of waiting allowed for one request across all its retries.
    package var budget: Double

    package init(attempts: Int = .max, baseDelay: Double = 0.2, maximumDelay: Double = 10, budget: Double = 120) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.budget = budget
    }

    package static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The wait before retry number `attempt` (from 0), or nil when the budget is spent.
    package func delay<G: RandomNumberGenerator>(attempt: Int, retryAfter: Double?, waited: Double, generator: inout G)
        -> Double?
    {
        guard attempt + 1 < attempts else { return nil }
        let ceiling = min(maximumDelay, baseDelay * pow(2, Double(attempt)))
        let wait = max(Double.random(in: 0...ceiling, using: &generator), retryAfter ?? 0)
        return waited + wait <= budget ? wait : nil
    }

    /// Retry-After in seconds; HTTP dates are not used by model servers and count as absent.
    package static func retryAfter(_ header: String?) -> Double? {
        header.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) }
    }
}
