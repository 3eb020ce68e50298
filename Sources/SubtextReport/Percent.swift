import Foundation

/// A share as a percentage with one decimal: 0.2058 → "20.6%".
func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
