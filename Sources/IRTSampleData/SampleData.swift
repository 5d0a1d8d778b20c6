import Foundation

/// The sample that ships with IRTKit: the 300M-scale sweep replica (242
/// completed runs plus 2 that are not) and two files of ten replicate runs of
/// one mixture that differ only in seed.
///
/// See `Sources/IRTSampleData/Sample/README.md` for provenance.
public enum SampleData {
    /// `sweep_300m_replica.csv`: 244 rows × 359 columns.
    public static var sweep: URL { url("sweep_300m_replica") }
    /// `noise_baseline_run00097_fixed_subset_300m.csv`: ten replicates with every task (seed varies, data subset fixed).
    public static var fixedSubsetNoise: URL { url("noise_baseline_run00097_fixed_subset_300m") }
    /// `noise_baseline_run00097_300m.csv`: ten replicates without the paloma/uncheatable columns
    /// (28 of the 43 tasks have no anchor).
    public static var legacyNoise: URL { url("noise_baseline_run00097_300m") }

    private static func url(_ name: String) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Sample") else {
            preconditionFailure("IRTSampleData resource \(name).csv is missing from the bundle (a packaging bug)")
        }
        return url
    }
}
