// The analysis without the report, for timing its phases: takes irt-report's
// `SWEEP --noise NOISE --json OUT [--out DIR] [--quiet]`, reads both files, runs
// Analysis and writes the result JSON. Extra flag: `--draws N` (default 500).
// Phase times go to stderr: read, then from the progress events horn (analysis
// start to the last Horn draw: preparation, real eigenvalues, the null), em (to
// the main fit's last progress event: S, noise floor, the main EM) and after
// (start check, k ± 1, free fit, fit statistics, scores, SNR, ranks), json.
import Foundation
import IRTModel
import Synchronization

var args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    let value = args[i + 1]
    args.removeSubrange(i...(i + 1))
    return value
}
let noisePath = option("--noise")
let jsonPath = option("--json")
_ = option("--out")
let draws = option("--draws").flatMap(Int.init) ?? 500
args.removeAll { $0 == "--quiet" }
guard let sweepPath = args.first else {
    FileHandle.standardError.write("usage: bench-analysis SWEEP [--noise NOISE] [--json OUT] [--draws N]\n".data(using: .utf8)!)
    exit(2)
}
let clock = ContinuousClock()
func seconds(_ d: Duration) -> String { String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) }
do {
    let t0 = clock.now
    let sweep = try EvalMatrix(contentsOf: URL(fileURLWithPath: sweepPath))
    let noise = try noisePath.map { try EvalMatrix(contentsOf: URL(fileURLWithPath: $0)) }
    let t1 = clock.now
    var options = AnalysisOptions()
    options.draws = draws
    let marks = Mutex<(hornDone: ContinuousClock.Instant?, emLast: ContinuousClock.Instant?)>((nil, nil))
    let result = try Analysis(sweep: sweep, noise: noise, options: options).run { event in
        let now = ContinuousClock.now
        switch event {
        case .hornDraws(let done, let total): if done == total { marks.withLock { $0.hornDone = now } }
        case .emIterations: marks.withLock { $0.emLast = now }
        }
    }
    let t2 = clock.now
    let (hornDone, emLast) = marks.withLock { ($0.hornDone ?? t1, $0.emLast ?? $0.hornDone ?? t1) }
    if let jsonPath {
        let encoder = JSONEncoder()
        try encoder.encode(result).write(to: URL(fileURLWithPath: jsonPath))
    }
    let t3 = clock.now
    FileHandle.standardError.write(
        "n=\(result.nRuns) p=\(result.nTasks) k=\(result.k) em_iters=\(result.em.iterations) read=\(seconds(t1 - t0))s analysis=\(seconds(t2 - t1))s (horn=\(seconds(hornDone - t1))s em=\(seconds(emLast - hornDone))s after=\(seconds(t2 - emLast))s) json=\(seconds(t3 - t2))s total=\(seconds(t3 - t0))s\n"
            .data(using: .utf8)!)
} catch {
    FileHandle.standardError.write("bench-analysis: \(error)\n".data(using: .utf8)!)
    exit(1)
}
