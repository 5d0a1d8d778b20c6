import Foundation

/// The sample that ships with IRTKit: the 300M-scale sweep replica (242
/// completed runs plus 2 that are not) and two files of ten replicate runs of
/// one mixture that differ only in seed.
///
/// See `Sources/IRTSampleData/Sample/README.md` for provenance.
///
/// SwiftPM installs the files as a resource bundle, the folder
/// ``bundleName``, next to the executable that uses them. A binary copied
/// elsewhere without that folder has no sample: ``isInstalled`` says so and
/// ``missingDescription`` says where it was looked for. The bundle is looked
/// up here rather than through `Bundle.module`, which stops the process with
/// `fatalError` when the bundle is missing.
public enum SampleData {
    /// `sweep_300m_replica.csv`: 244 rows × 359 columns.
    ///
    /// - Precondition: ``isInstalled``.
    public static var sweep: URL { url("sweep_300m_replica") }
    /// `noise_baseline_run00097_fixed_subset_300m.csv`: ten replicates with every task (seed varies, data subset fixed).
    ///
    /// - Precondition: ``isInstalled``.
    public static var fixedSubsetNoise: URL { url("noise_baseline_run00097_fixed_subset_300m") }
    /// `noise_baseline_run00097_300m.csv`: ten replicates without the paloma/uncheatable columns
    /// (28 of the 43 tasks have no anchor).
    ///
    /// - Precondition: ``isInstalled``.
    public static var legacyNoise: URL { url("noise_baseline_run00097_300m") }

    /// `mixture_example_sweep.csv`: a synthetic sweep of 98 runs × 18 tasks whose factor scores
    /// are a known function of the runs' training-data mixtures (`scripts/generate-mixture-example`).
    ///
    /// - Precondition: ``isInstalled``.
    public static var mixtureExampleSweep: URL { url("mixture_example_sweep") }
    /// `mixture_example_mixtures.csv`: the example's mixtures, 2 phases × 6 domains and a constant
    /// column; two sweep runs have no row and one row names no run of the sweep.
    ///
    /// - Precondition: ``isInstalled``.
    public static var mixtureExampleMixtures: URL { url("mixture_example_mixtures") }
    /// `mixture_example_replicates.csv`: ten seeds of one mixture of the example.
    ///
    /// - Precondition: ``isInstalled``.
    public static var mixtureExampleReplicates: URL { url("mixture_example_replicates") }

    /// The name SwiftPM gives the resource bundle: `<package>_<target>.resources`.
    public static let bundleName = "IRTKit_IRTSampleData.resources"

    /// Where the bundle is looked for, in order: next to the running
    /// executable as started (`Bundle.main`), then next to the file it is a
    /// symbolic link to.
    public static var searchedLocations: [URL] {
        var folders = [Bundle.main.bundleURL.standardizedFileURL]
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if executable.path != "/proc/self/exe" { folders.append(executable.deletingLastPathComponent().standardizedFileURL) }
        if let main = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            folders.append(main.deletingLastPathComponent().standardizedFileURL)
        }
        var seen = Set<String>()
        return folders.filter { seen.insert($0.path).inserted }.map { $0.appendingPathComponent(bundleName) }
    }

    /// The folder holding the sample's CSV files, or `nil` when the bundle is not installed.
    public static let directory: URL? = searchedLocations.lazy
        .map { $0.appendingPathComponent("Sample") }
        .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("sweep_300m_replica.csv").path) }

    /// Whether the sample's files are installed next to this binary.
    public static var isInstalled: Bool { directory != nil }

    /// What is missing, for a person: `the bundled sample is not installed next
    /// to this binary (looked for …)`.
    public static var missingDescription: String {
        "the bundled sample is not installed next to this binary (looked for "
            + searchedLocations.map(\.path).joined(separator: " and ") + ")"
    }

    private static func url(_ name: String) -> URL {
        guard let directory else { preconditionFailure("IRTSampleData: \(missingDescription)") }
        return directory.appendingPathComponent(name + ".csv")
    }
}
