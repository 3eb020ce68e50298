import Foundation

/// `transform` of each element, computed side by side on the machine's cores, in order. The
/// first error thrown is rethrown once all have finished.
///
/// Callers keep every random draw outside `transform`, so results never depend on how many
/// cores ran them.
public func concurrentMap<Element, Result>(_ elements: [Element], _ transform: (Element) throws -> Result) rethrows
    -> [Result]
{
    guard elements.count > 1 else { return try elements.map(transform) }
    let results = UnsafeMutableBufferPointer<Swift.Result<Result, Error>?>.allocate(capacity: elements.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    try withoutActuallyEscaping(transform) { transform in
        // Each iteration writes only its own slot, so sharing the buffer is safe.
        nonisolated(unsafe) let transform = transform
        nonisolated(unsafe) let results = results
        nonisolated(unsafe) let elements = elements
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
            results[index] = Swift.Result { try transform(elements[index]) }
        }
        _ = try results.map { try $0!.get() }
    }
    return results.map { try! $0!.get() }
}
