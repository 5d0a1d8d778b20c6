import Foundation
import IRTSampleData

/// A report the browser test renders and reads: the `irt-report` arguments that make it (run
/// in-process, with `--out` and `-q` added) and the views allowed to show a sentence instead of
/// a chart.
///
/// Adding a report to the browser test is one more entry in ``all``.
struct BrowserReport: Sendable, CustomStringConvertible {
    let name: String
    /// The arguments, given a scratch directory to write inputs into.
    let arguments: @Sendable (URL) throws -> [String]
    /// Views of the navigation that may hold only a `p.note` (nothing to draw for this input).
    let noteOnly: Set<String>

    init(_ name: String, noteOnly: Set<String> = [], arguments: @escaping @Sendable (URL) throws -> [String]) {
        self.name = name
        self.noteOnly = noteOnly
        self.arguments = arguments
    }

    var description: String { name }

    /// Fewer Horn draws than the CLI's default: the page's layout does not depend on them.
    static let quick = ["--draws", "50", "--rank-draws", "500"]

    static let all: [BrowserReport] = [
        BrowserReport("the bundled sample") { _ in quick },
        BrowserReport("a correlation matrix (--correlation)", noteOnly: ["runs"]) { _ in
            ["--correlation", fixture("IRTModelTests/Fixtures/R/harman74.csv"), "--n-obs", "145", "--factors", "4"] + quick
        },
        BrowserReport("a matrix with gaps", noteOnly: ["ceiling", "snr", "validation"]) { dir in
            let file = try BrowserInputs.write(BrowserInputs.gaps(), named: "gaps.csv", in: dir)
            return [file, "--tasks", "*/acc"] + quick
        },
        BrowserReport("hostile names", noteOnly: ["ceiling", "snr"]) { dir in
            let file = try BrowserInputs.write(BrowserInputs.hostile(), named: "hostile.csv", in: dir)
            return [file, "--tasks", "*/acc", "--validate", BrowserInputs.hostileHeldOut] + quick
        },
        BrowserReport("a 3-task matrix", noteOnly: ["ceiling", "snr"]) { dir in
            let file = try BrowserInputs.write(BrowserInputs.threeTasks(), named: "three.csv", in: dir)
            return [file, "--tasks", "*/acc", "--validate", "eval/loss"] + quick
        },
        BrowserReport("the sample with --mixture") { dir in
            let file = try BrowserInputs.write(try BrowserInputs.sampleMixture(), named: "mixture.csv", in: dir)
            return ["--mixture", file, "--mixture-bootstrap", "50"] + quick
        },
    ]

    /// A file of the test tree, by its path under Tests/.
    static func fixture(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }
}

/// The sweeps the browser test makes for itself: runs scored on tasks by two abilities
/// (odd tasks lean on the first, even ones on the second) plus noise, from a fixed seed.
enum BrowserInputs {
    /// Synthetic mixture weights for every run of the bundled sample: two phases of five
    /// domains, each row drawn uniformly on the simplex (seeded), with long domain names.
    static func sampleMixture() throws -> String {
        let sweep = try String(contentsOf: SampleData.sweep, encoding: .utf8)
        let runs = sweep.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        let domains = ["web_crawl_english_filtered", "source_code_permissive", "mathematics_and_proofs",
                       "books_and_long_form_prose", "encyclopedic_reference"]
        let header = (1...2).flatMap { p in domains.map { "phase_\(p)_\($0)" } }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        var lines = ["run_name," + header.joined(separator: ",")]
        for run in runs {
            var row: [Double] = []
            for _ in 0..<2 {
                let e = domains.map { _ in -Foundation.log(uniform()) }
                let total = e.reduce(0, +)
                row += e.map { $0 / total }
            }
            lines.append(run + "," + row.map { String($0) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A held-out loss with markup, an entity and a long name.
    static let hostileHeldOut = "eval/held_out/<loss> &amp; a held-out metric with a very long name/macro_loss"

    /// Task and run names that try to break the page: very long paths, markup, entities,
    /// quotes, CJK, full-width letters, emoji, combining marks and right-to-left script.
    static func hostile() -> String {
        let family = String(repeating: "a_really_long_benchmark_family_name_with_many_parts/", count: 3)
        let tasks = ["lm_eval/\(family)subtask_alpha/acc", "lm_eval/\(family)subtask_beta/acc",
                     "eval/<script>alert('x')</script>/acc", "eval/&amp;&lt;\"quoted\"&gt;/acc",
                     "数学推理/中文阅读理解_ｗｉｄｅ/acc", "日本語の読解テスト😀🎉/acc",
                     "eval/n\u{303}\u{303}e\u{301}\u{300} combining/acc", "eval/عربى/acc"]
        let runs = (0..<40).map { i in
            "run_\(i)_" + [String(repeating: "x", count: 60), "<b>bold</b> & \"co\"", "漢字テスト😀"][i % 3]
        }
        return sweep(tasks: tasks, runs: runs, heldOut: hostileHeldOut, seed: 3)
    }

    /// 60 runs × 10 tasks with about 15% of the cells missing.
    static func gaps() -> String {
        sweep(tasks: (0..<10).map { "suite/task_\($0)/acc" }, runs: (0..<60).map { "run-\($0)" }, gaps: 0.15, seed: 5)
    }

    /// 30 runs × 3 tasks and a held-out loss.
    static func threeTasks() -> String {
        sweep(tasks: ["arc/acc", "piqa/acc", "sciq/acc"], runs: (0..<30).map { "model-\($0)" }, heldOut: "eval/loss", seed: 7)
    }

    static func write(_ csv: String, named name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(csv.utf8).write(to: url)
        return url.path
    }

    /// A CSV: `run_name`, the tasks, then the held-out metric (lower is better) when named.
    static func sweep(tasks: [String], runs: [String], heldOut: String? = nil, gaps: Double = 0, seed: UInt64) -> String {
        var random = SplitMix(seed)
        func quoted(_ s: String) -> String {
            s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let loadings = tasks.indices.map { i in
            i % 2 == 0 ? (0.3 + 0.6 * random.uniform(), 0.6 * random.uniform())
                : (0.5 * random.uniform(), 0.4 + 0.5 * random.uniform())
        }
        var lines = [(["run_name"] + tasks + (heldOut.map { [$0] } ?? [])).map(quoted).joined(separator: ",")]
        for run in runs {
            let a = random.normal(), b = random.normal()
            var row = [quoted(run)]
            for (l1, l2) in loadings {
                let value = 0.6 + 0.1 * (l1 * a + l2 * b) + 0.03 * random.normal()
                row.append(random.uniform() < gaps ? "" : String(format: "%.5f", value))
            }
            if heldOut != nil { row.append(String(format: "%.4f", 2.0 - 0.1 * (a + b) + 0.05 * random.normal())) }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SplitMix64: uniform and normal (Box–Muller) draws from a seed.
    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal() -> Double {
            (-2 * Foundation.log(1 - uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform())
        }
    }
}
