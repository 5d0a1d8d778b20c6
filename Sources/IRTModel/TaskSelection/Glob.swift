/// A shell-style wildcard pattern over column names.
///
/// - `*` matches any run of characters (including none, and including `/`);
/// - `?` matches exactly one character;
/// - `\*`, `\?` and `\\` match the character itself; a backslash before any
///   other character is an ordinary backslash;
/// - every other character matches itself, case-sensitively.
///
/// A pattern without wildcards therefore matches exactly the one name it
/// spells: `hellaswag` matches `hellaswag` and nothing else, `arc*` matches
/// `arc_easy` and `arc_challenge`, `eval/*/bpb` matches `eval/paloma/c4_en/bpb`.
///
/// Matching is on `Character`s (extended grapheme clusters), so `?` is one
/// user-perceived character.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// One element of a compiled pattern.
    private enum Token: Sendable, Hashable {
        case literal(Character)
        case one
        case any
    }

    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    /// Compiles `pattern`.
    public init(_ pattern: String) {
        self.pattern = pattern
        var tokens: [Token] = []
        var characters = pattern.makeIterator()
        var pending: Character? = characters.next()
        while let c = pending {
            pending = characters.next()
            switch c {
            case "*":
                if tokens.last != .any { tokens.append(.any) }   // `**` is `*`
            case "?":
                tokens.append(.one)
            case "\\":
                if let next = pending, next == "*" || next == "?" || next == "\\" {
                    tokens.append(.literal(next))
                    pending = characters.next()
                } else {
                    tokens.append(.literal(c))
                }
            default:
                tokens.append(.literal(c))
            }
        }
        self.tokens = tokens
    }

    /// Whether the pattern has a `*` or `?` wildcard (an unescaped one).
    public var hasWildcards: Bool { tokens.contains { $0 == .any || $0 == .one } }

    /// Whether `name` matches the whole pattern.
    ///
    /// - Complexity: O(m·t) worst case for a name of m characters and a
    ///   pattern of t tokens (greedy matching with one backtrack point per `*`).
    public func matches(_ name: String) -> Bool {
        let s = Array(name)
        var i = 0, t = 0
        var starToken = -1, starPosition = 0
        while i < s.count {
            if t < tokens.count {
                switch tokens[t] {
                case .any:
                    starToken = t
                    starPosition = i
                    t += 1
                    continue
                case .one:
                    i += 1; t += 1
                    continue
                case let .literal(c) where c == s[i]:
                    i += 1; t += 1
                    continue
                case .literal:
                    break
                }
            }
            // Mismatch: let the last `*` swallow one more character, or fail.
            guard starToken >= 0 else { return false }
            starPosition += 1
            i = starPosition
            t = starToken + 1
        }
        while t < tokens.count, tokens[t] == .any { t += 1 }
        return t == tokens.count
    }

    /// `name` with `*`, `?` and `\` escaped, so that `Glob(Glob.escape(name))`
    /// matches `name` and nothing else.
    public static func escape(_ name: String) -> String {
        var out = ""
        for c in name {
            if c == "*" || c == "?" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    public var description: String { pattern }
}
