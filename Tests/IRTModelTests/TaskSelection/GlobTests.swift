import IRTModel
import Testing

@Suite("Glob: shell-style patterns over column names")
struct GlobTests {
    /// (pattern, name, matches), checked against an independent matcher below as well.
    @Test(arguments: [
        ("hellaswag", "hellaswag", true),
        ("hellaswag", "HellaSwag", false),          // case-sensitive
        ("hellaswag", "hellaswag_0shot", false),    // no wildcard: the name itself only
        ("arc*", "arc_easy", true),
        ("arc*", "arc", true),                      // * matches nothing too
        ("arc*", "xarc", false),
        ("*_stderr", "arc_easy_stderr", true),
        ("*_stderr", "arc_easy_stderr2", false),
        ("eval/*/bpb", "eval/paloma/c4_en/bpb", true),   // * crosses /
        ("eval/*/bpb", "eval/bpb", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("a?c", "abbc", false),
        ("*", "", true),
        ("", "", true),                             // size 0
        ("", "a", false),
        ("?", "", false),
        ("?", "é", true),                           // one character, not one byte
        ("**a**", "banana", true),
        ("*a*b", "aaab", true),
        ("*ab*ab", "xabyab", true),
        ("*ab*ab", "xabyaab", true),
        ("*ab*ab", "xabyac", false),
        ("ARC(25-shot)", "ARC(25-shot)", true),     // parentheses are ordinary characters
        ("\\*", "*", true),                         // escaped wildcards
        ("\\*", "a", false),
        ("a\\?", "a?", true),
        ("a\\?", "ab", false),
        ("a\\\\b", "a\\b", true),
        ("a\\b", "a\\b", true),                     // a lone backslash is a backslash
    ])
    func matches(pattern: String, name: String, expected: Bool) {
        #expect(Glob(pattern).matches(name) == expected, "\(pattern) ~ \(name)")
        #expect(Self.naive(Array(pattern), Array(name)) == expected, "oracle: \(pattern) ~ \(name)")
    }

    @Test(arguments: ["plain", "a*b", "a?b", "a\\b", "*", "?", "x\\*y", ""])
    func escapedNamesMatchOnlyThemselves(name: String) {
        let glob = Glob(Glob.escape(name))
        #expect(glob.matches(name))
        #expect(!glob.hasWildcards)
        for other in ["plain", "aXb", "a\\\\b", "ab", "x", "", "axb"] where other != name {
            #expect(!glob.matches(other), "\(name) must not match \(other)")
        }
    }

    @Test func wildcardsAreDetected() {
        #expect(Glob("a*").hasWildcards)
        #expect(Glob("a?").hasWildcards)
        #expect(!Glob("a").hasWildcards)
        #expect(!Glob("a\\*").hasWildcards)
        #expect(Glob("arc*").description == "arc*")
    }

    /// Random patterns over a small alphabet agree with the recursive oracle.
    @Test func agreesWithARecursiveOracleOnRandomCases() {
        var rng = Xoshiro256StarStar(seed: 5)
        let patternAlphabet: [Character] = ["a", "b", "*", "?"]
        let nameAlphabet: [Character] = ["a", "b"]
        for _ in 0..<2000 {
            let p = (0..<Int(rng.next() % 6)).map { _ in patternAlphabet[Int(rng.next() % 4)] }
            let s = (0..<Int(rng.next() % 7)).map { _ in nameAlphabet[Int(rng.next() % 2)] }
            #expect(Glob(String(p)).matches(String(s)) == Self.naive(p, s), "\(String(p)) ~ \(String(s))")
        }
    }

    /// Exponential-time recursive matcher, the definition written out (escapes included).
    static func naive(_ p: [Character], _ s: [Character]) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "*" {
            return (0...s.count).contains { naive(Array(p.dropFirst()), Array(s.dropFirst($0))) }
        }
        if first == "?" { return !s.isEmpty && naive(Array(p.dropFirst()), Array(s.dropFirst())) }
        var literal = first, rest = Array(p.dropFirst())
        if first == "\\", let next = rest.first, next == "*" || next == "?" || next == "\\" {
            literal = next
            rest = Array(rest.dropFirst())
        }
        return s.first == literal && naive(rest, Array(s.dropFirst()))
    }
}
