import ArgumentParser
import Foundation
import IRTModel
import IRTReport
import IRTSampleData

/// `irt-report`: runs the analysis of METHOD.md on a sweep CSV and writes an
/// HTML report, CSV tables and `result.json`.
///
/// Public so that tests can parse and run it in-process:
///
/// ```swift
/// var command = try AnalyzeCommand.parse(["sweep.csv", "--draws", "30", "--out", dir])
/// try command.run()
/// ```
///
/// The executable's entry point is ``exitCode(running:)``, which maps errors to
/// exit codes (0 ok, 1 analysis or input error, 2 usage error).
public struct AnalyzeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Aggregate capability scores for a language-model evaluation sweep, by non-negative factor analysis.",
        discussion: """
            Reads SWEEP.csv (a header row, then one row per training run, one column per metric), \
            chooses the number of factors k by Horn's parallel analysis, fits a non-negative k-factor \
            model by EM and writes index.html, loadings.csv, leaderboard.csv, horn.csv, snr.csv, \
            noise_floor.csv, result.json and model.json into --out, replacing that directory atomically. \
            Without SWEEP it analyses the bundled 300M sample with its replicate-noise file.

            Examples:
              irt-report
                  Analyse the bundled sample into ./irt-report-output.
              irt-report sweep.csv --noise replicates.csv --out report --json r.json
                  Analyse your own sweep with seed-noise replicates of one mixture.
              irt-report leaderboard.csv --tasks 'ARC*' --tasks 'MMLU*' --run-column Model
                  Choose the task columns yourself (any metrics, any direction).
              irt-report score report/model.json new_runs.csv
                  Score new runs with the saved model and rank them among the sweep.
              irt-report sweep.csv --noise replicates.csv --mixture mixtures.csv
                  Also find which data domains move which score and propose the next mixtures.
            """,
        version: IRTKitVersion.string)

    // MARK: Inputs

    @Argument(help: ArgumentHelp(
        "The sweep CSV: a header row, then one row per training run (default: the bundled 300M sample).",
        valueName: "SWEEP.csv"))
    public var sweep: String?

    @Option(help: ArgumentHelp(
        "Replicate runs of one mixture that differ only in seed, for noise floors and signal-to-noise; rows with a status other than completed are skipped (default: the bundled noise file when SWEEP is omitted, none otherwise).",
        valueName: "NOISE.csv"))
    public var noise: String?

    @Option(name: .customLong("replicate-group"), help: ArgumentHelp(
        "Column of the noise file naming the mixture each replicate is a seed of, when it holds seeds of several mixtures: seed noise is then measured per group, pooled, and the groups compared by Bartlett's test (the pooled estimate when p ≥ 0.05, else the noisiest group's, with a warning); each group needs at least 2 runs (default: all replicates are seeds of one mixture).",
        valueName: "COLUMN"))
    public var replicateGroup: String?

    // MARK: Outputs

    @Option(help: ArgumentHelp(
        "Directory for index.html, the CSV tables and result.json; an existing report there is replaced atomically.",
        valueName: "DIR"))
    public var out: String = "irt-report-output"

    @Option(help: ArgumentHelp("Also write result.json to this path, atomically (default: none).", valueName: "PATH"))
    public var json: String?

    // MARK: Tasks, run names and gaps

    @Option(name: .customLong("tasks"), help: ArgumentHelp(
        "Glob pattern of task columns (* any run of characters, ? one character; a name without wildcards matches itself); repeat for several. Only numeric columns are tasks. Replaces the reference preset (default: the reference preset of bits-per-byte columns, when it matches at least 2 columns).",
        valueName: "PATTERN"))
    public var tasks: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Glob pattern of columns that are never tasks; repeatable (default: none).", valueName: "PATTERN"))
    public var exclude: [String] = []

    @Option(name: .customLong("higher-is-better"), help: ArgumentHelp(
        "Glob pattern of tasks where larger is better; repeatable. Without a rule a task is lower-is-better when a word of its name (camelCase split) is loss, bpb, perplexity, ppl, nll, error, err, wer, cer or brier, or it says bits per byte, else higher-is-better.",
        valueName: "PATTERN"))
    public var higherIsBetter: [String] = []

    @Option(name: .customLong("lower-is-better"), help: ArgumentHelp(
        "Glob pattern of tasks where smaller is better; repeatable (default: by name, see --higher-is-better).",
        valueName: "PATTERN"))
    public var lowerIsBetter: [String] = []

    @Option(name: .customLong("selection"), help: ArgumentHelp(
        "JSON task selection, e.g. {\"include\": [\"arc*\"], \"exclude\": [\"*_stderr\"], \"higher_is_better\": [], \"lower_is_better\": []} or {\"preset\": \"reference\"}; --tasks, --exclude and the direction options add to it (default: none).",
        valueName: "FILE.json"))
    public var selection: String?

    @Option(name: .customLong("run-column"), help: ArgumentHelp(
        "Column that names the runs (default: run_name, else the first non-numeric column, else row numbers).",
        valueName: "NAME"))
    public var runColumn: String?

    @Option(name: .customLong("missing-token"), parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "A cell text that means missing, besides empty, NA, N/A, NaN, nan, null and None; repeatable (e.g. --missing-token -1).",
        valueName: "TOKEN"))
    public var missingTokens: [String] = []

    @Option(name: .customLong("missing"), help: ArgumentHelp(
        "Missing task cells: fit (keep the gaps), drop-runs (drop every run with a gap) or error (any gap is an error).",
        valueName: "fit|drop-runs|error"))
    public var missing: MissingPolicy = .fit

    @Option(name: .customLong("min-coverage"), parsing: .unconditional, help: ArgumentHelp(
        "Drop runs, then tasks, observed on less than this share of the other side (each drop is listed); ignored by --missing error.",
        valueName: "F"))
    public var minCoverage: Double = AnalysisOptions.defaultMinCoverage

    // MARK: Analysis

    // The numeric options take the next argument whatever it looks like
    // (`parsing: .unconditional`), so that `--factors -1` reaches validate()
    // and is refused as "must be at least 1 (got -1)" instead of being read as
    // a flag `-1` and reported as a missing value.

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Number of factors to fit (default: Horn's k95, or the number of columns of --em-init).", valueName: "K"))
    public var factors: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Monte Carlo draws of Horn's parallel analysis.", valueName: "N"))
    public var draws: Int = 500

    @Option(name: .customLong("horn-rule"), help: ArgumentHelp(
        "How Horn's ranks are counted: sequential (from rank 1 until the first rank not above its null p95; R psych's rule) or count (every rank above its p95; the reference notebook's rule).",
        valueName: "RULE"))
    public var hornRule: ParallelAnalysis.Rule = .sequential

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of Horn's Monte Carlo null and of the rank draws (default: 42).", valueName: "S"),
            transform: NumberArguments.seed)
    public var seed: UInt64 = 42

    @Option(name: .customLong("rank-draws"), parsing: .unconditional, help: ArgumentHelp(
        "Joint posterior draws behind the leaderboard's rank intervals and p_best.", valueName: "N"))
    public var rankDraws: Int = 2000

    @Option(name: .customLong("max-iterations"), parsing: .unconditional, help: ArgumentHelp(
        "Cap on EM map evaluations (default: 200000; 5000 with --reference-stop).", valueName: "N"))
    public var maxIterations: Int?

    @Option(name: .customLong("em-init"), help: ArgumentHelp(
        "JSON file with the starting loadings Λ0: an array of p arrays of k non-negative numbers, one row per task in task order (default: |N(0, 0.1²)| entries drawn with seed 0).",
        valueName: "PATH"))
    public var emInit: String?

    @Option(name: .customLong("m-step"), help: ArgumentHelp(
        "M-step for the loadings, and so the estimator: nnls (default; exact non-negative least squares per task, EM monotone in the likelihood: the constrained maximum likelihood) or projected (the reference notebook's unconstrained update clipped at 0, run to its own fixed point; an error when it cycles without one).",
        valueName: "nnls|projected"))
    public var mStep: MStep = .nnls

    @Option(name: .customLong("validate"), help: ArgumentHelp(
        "A held-out metric column to correlate with the scores; repeat for several. Replaces the defaults (eval/uncheatable_eval/macro_loss, eval/paloma/macro_loss). Not a task column.",
        valueName: "COLUMN"))
    public var heldOutMetrics: [String] = []

    @Option(name: .customLong("leaderboard-column"), help: ArgumentHelp(
        "A provenance column to copy into the leaderboard when present; repeat for several. Replaces the default (the reference sweep's is_qsplit240_core).",
        valueName: "COLUMN"))
    public var leaderboardColumns: [String] = []

    @Option(name: .customLong("bootstrap"), parsing: .unconditional, help: ArgumentHelp(
        "Refits of the model on runs drawn with replacement, for the fitted model's own uncertainty in the rank intervals and p_best (± model), e.g. 100; 0 leaves it out (default: 0, said in the summary). Complete data only.",
        valueName: "N"))
    public var bootstrap: Int = AnalysisOptions.defaultBootstrap

    @OptionGroup(title: "Aggregate") public var aggregateArguments: AggregateArguments

    @Option(name: .customLong("mixture"), help: ArgumentHelp(
        "The sweep's mixtures: one row per run (joined by run name), one numeric column per training-data weight; columns named phase_<i>_<domain> form phases whose weights sum to 1. Adds which domains move which score, how predictable each score is from the mixture, and proposed next mixtures (result.json's mixture, mixture.csv, proposals.csv, the report's Mixture section; default: none).",
        valueName: "FILE.csv"))
    public var mixture: String?

    @OptionGroup(title: "Mixture") public var mixtureArguments: MixtureArguments

    @Option(name: .customLong("loadings"), help: ArgumentHelp(
        "nonnegative (Λ ≥ 0, IRTKit's model) or free (classical ML factor analysis, shown after varimax).",
        valueName: "nonnegative|free"))
    public var loadings: LoadingConstraint = .nonnegative

    @Option(name: .customLong("psi"), help: ArgumentHelp(
        "How a task's uniqueness ψ relates to its noise floor (tasks in the noise file): floor (default: estimated at or above it), anchored (fixed at the floor, the reference notebook's model) or free (estimated; tasks without an anchor are free under all three).",
        valueName: "floor|anchored|free"))
    public var psi: PsiModel = .floor

    @Option(name: .customLong("starts"), parsing: .unconditional, help: ArgumentHelp(
        "EM starts; start 1 is the default Λ0, the others are seeded; the highest log-likelihood is reported.",
        valueName: "N"))
    public var starts: Int = 1

    @Flag(name: .customLong("no-start-check"), help: ArgumentHelp(
        "Skip the check of 8 extra seeded starts that warns when the default start stopped at a worse optimum (default: the check runs when --starts is 1)."))
    public var noStartCheck = false

    @Option(name: .customLong("correlation"), help: ArgumentHelp(
        "Analyse a correlation (or covariance) matrix instead of runs: a square CSV with a header row of task names, optionally a first label column; needs --n-obs.",
        valueName: "FILE.csv"))
    public var correlation: String?

    @Option(name: .customLong("n-obs"), parsing: .unconditional, help: ArgumentHelp(
        "With --correlation: the number of runs (observations) the matrix was computed from.", valueName: "N"))
    public var nObservations: Int?

    @Flag(name: .customLong("plain-em"), help: "Iterate plain EM, without acceleration (default: Anderson acceleration, same fixed point).")
    public var plainEM = false

    @Flag(name: .customLong("reference-stop"), help: ArgumentHelp(
        "Stop the EM as the reference does, when max |ΔΛ| < 1e-7 (cap 5000), instead of when the estimated distance to the fixed point is below 1e-7 (default: off)."))
    public var referenceStop = false

    // MARK: Behaviour

    @Flag(help: "Open index.html with xdg-open when done, or print a hint when it is not available (default: off).")
    public var open = false

    @Flag(name: [.short, .long], help: "Print only the path of index.html and no progress (default: off).")
    public var quiet = false

    public init() {}
}
