import Foundation
import IRTModel
import Testing

/// `FactorLabels.shortNames` counts runs of segments in one pass (not by
/// comparing every name with every other, O(p²)); the names it gives must be
/// those of the direct definition.
@Suite("Factor labels' short names")
struct FactorLabelsShortNamesTests {
    /// The direct definition: the shortest run around the anchor that no other name holds.
    static func direct(_ names: [String]) -> [String] {
        let split = names.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        let shared = split.dropFirst().reduce(Set(split.first ?? [])) { $0.intersection($1) }
        func holds(_ segments: [String], _ run: [String]) -> Bool {
            guard run.count <= segments.count else { return false }
            return (0...(segments.count - run.count)).contains { Array(segments[$0..<($0 + run.count)]) == run }
        }
        return split.enumerated().map { index, segments in
            let anchor = segments.indices.last { !shared.contains(segments[$0]) || split.count == 1 } ?? segments.count - 1
            for length in 1...max(1, segments.count) {
                for end in anchor..<min(segments.count, anchor + length) {
                    let start = end - length + 1
                    guard start >= 0 else { continue }
                    let run = Array(segments[start...end])
                    if !split.indices.contains(where: { $0 != index && holds(split[$0], run) }) {
                        return run.joined(separator: "/")
                    }
                }
            }
            return names[index]
        }
    }

    @Test("Equal to the direct definition", arguments: [0, 1, 2, 7, 60])
    func sameAsDirect(count: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(count))
        let prefixes = ["lm_eval", "mcq_smooth", "eval/paloma", "eval/uncheatable_eval", "teacher_forced", "a//b"]
        let tasks = ["mmlu_5shot", "arc_easy", "arc_easy_5shot", "github_cpp", "bpb", "c4_en", "dup"]
        let suffixes = ["bpb", "acc", "loss", ""]
        let names = (0..<count).map { _ in
            [prefixes[Int(rng.next() % UInt64(prefixes.count))], tasks[Int(rng.next() % UInt64(tasks.count))],
             suffixes[Int(rng.next() % UInt64(suffixes.count))]].joined(separator: "/")
        }
        #expect(FactorLabels.shortNames(names) == Self.direct(names))
        let sample = ["lm_eval/arc_easy_5shot/bpb", "lm_eval/mmlu_5shot/bpb", "mcq_smooth/mmlu_5shot/bpb"]
        #expect(FactorLabels.shortNames(sample) == ["arc_easy_5shot", "lm_eval/mmlu_5shot", "mcq_smooth/mmlu_5shot"])
    }
}
