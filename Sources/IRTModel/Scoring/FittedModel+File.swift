import Foundation

extension FittedModel {
    /// Reads a model written by ``encoded()`` (`model.json`).
    ///
    /// - Throws: ``AnalysisError/invalidModel(file:reason:)`` when the file cannot
    ///   be read, is not JSON, is of another ``currentSchemaVersion`` (named,
    ///   with the IRTKit version that wrote it), or lacks a key (named by its path).
    public init(contentsOf url: URL) throws(AnalysisError) {
        let file = url.path
        let data: Data
        do { data = try CSVReader.contents(of: url) } catch {   // a regular file, or a pipe such as <(…)
            let reason = if case let .unreadableFile(_, reason) = error { reason } else { error.description }
            throw .invalidModel(file: file, reason: "cannot read the file (\(reason))")
        }
        try self.init(json: data, source: file)
    }

    /// Decodes a model from `model.json` bytes; `source` names it in errors.
    public init(json data: Data, source: String) throws(AnalysisError) {
        struct Header: Decodable {
            let schemaVersion: Int?
            let irtkitVersion: String?
            let nRuns: Int?
            enum CodingKeys: String, CodingKey {
                case schemaVersion = "schema_version", irtkitVersion = "irtkit_version", nRuns = "n_runs"
            }
        }
        let decoder = JSONCoding.decoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: data) } catch {
            throw .invalidModel(file: source, reason: "not a JSON object (\(JSONCoding.describe(error)))")
        }
        if header.nRuns != nil {
            throw .invalidModel(file: source, reason: "this is a result.json; score needs the model.json written beside it in the report folder")
        }
        guard let version = header.schemaVersion else {
            throw .invalidModel(file: source, reason: "no \"schema_version\"; expected a model.json written by irt-report")
        }
        guard Self.readableSchemaVersions.contains(version) else {
            throw .invalidModel(file: source, reason: "schema_version \(version) (written by IRTKit \(header.irtkitVersion ?? "unknown")), this IRTKit \(IRTKitVersion.string) reads schema_version \(Self.readableSchemaVersions.lowerBound)–\(Self.readableSchemaVersions.upperBound); refit the model with this version")
        }
        do { self = try decoder.decode(FittedModel.self, from: data) } catch {
            throw .invalidModel(file: source, reason: JSONCoding.describe(error))
        }
        try validate(source: source)
    }

    /// The model as `model.json` bytes (``JSONCoding``).
    public func encoded() throws -> Data { try JSONCoding.encode(self) }

    /// Shapes and values a decoded model must have to be used.
    private func validate(source: String) throws(AnalysisError) {
        let k = factorLabels.count
        guard !tasks.isEmpty, k >= 1 else {
            throw .invalidModel(file: source, reason: "no tasks or no factors")
        }
        for (t, task) in tasks.enumerated() {
            guard task.loadings.count == k else {
                throw .invalidModel(file: source, reason: "tasks[\(t)] (\(task.name)) has \(task.loadings.count) loadings, expected \(k) (one per factor label)")
            }
            guard task.sd > 0, task.sd.isFinite, task.mean.isFinite, task.psi > 0, task.psi.isFinite,
                  task.loadings.allSatisfy(\.isFinite) else {
                throw .invalidModel(file: source, reason: "tasks[\(t)] (\(task.name)) needs a finite mean, loadings, and positive finite sd and psi")
            }
        }
        if let aggregate, aggregate.factorCount != k || !aggregate.factorWeights.allSatisfy(\.isFinite) {
            throw .invalidModel(file: source, reason: "aggregate.factor_weights has \(aggregate.factorCount) weight(s), expected \(k) finite numbers (one per factor label)")
        }
        let n = sweep.runNames.count
        guard sweep.theta.count == n, sweep.aggregate.count == n, sweep.aggregateSD.count == n,
              sweep.coverage.count == n, sweep.covarianceIndex.count == n,
              sweep.theta.allSatisfy({ $0.count == k }),
              sweep.covarianceIndex.allSatisfy({ $0 >= 0 && $0 < sweep.covariances.count }),
              sweep.covariances.allSatisfy({ $0.count == k && $0.allSatisfy { $0.count == k } }) else {
            throw .invalidModel(file: source, reason: "the sweep block's arrays do not all have one entry per run (\(n)) of k = \(k)")
        }
    }
}
