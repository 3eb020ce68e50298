/// One of N shares of every input, for an audit split over processes or machines.
///
/// Plain files are cut into N byte ranges, each extended to whole lines, so a shard reads
/// only its share of the bytes. A gzip stream cannot be entered midway, so for a gzip file
/// every shard inflates the whole stream and keeps line i (counting from 0) when
/// i mod N is its index. Either way each line belongs to exactly one shard.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The one shard of an unsplit read.
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// Parses "I/N", with I counted from 0.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
            (0..<count).contains(index)
        else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The bytes [lowerBound, upperBound) of a file of `size` bytes in which this shard's
    /// lines start.
    public func byteRange(size: Int) -> Range<Int> {
        let start = Int((Double(size) * Double(index) / Double(count)).rounded(.down))
        let end = index == count - 1 ? size : Int((Double(size) * Double(index + 1) / Double(count)).rounded(.down))
        return start..<end
    }
}
