import SwitchboardMongo
import Testing

@Suite("MongoConfiguration")
struct MongoConfigurationTests {
    @Test("defaults apply without environment variables")
    func defaults() throws {
        let configuration = try MongoConfiguration(environment: [:])
        #expect(configuration.uri == "mongodb://127.0.0.1:27017")
        #expect(configuration.database == "switchboard")
        #expect(configuration.maxPoolSize == 16)
        #expect(configuration.serverSelectionTimeout == .seconds(5))
        try configuration.validate()
    }

    @Test("environment variables override the defaults")
    func environment() throws {
        let configuration = try MongoConfiguration(environment: [
            "SWITCHBOARD_MONGO_URI": "mongodb://db.internal:27018/?appname=x",
            "SWITCHBOARD_MONGO_DATABASE": "contacts",
            "SWITCHBOARD_MONGO_POOL_SIZE": "4",
        ])
        #expect(configuration.uri == "mongodb://db.internal:27018/?appname=x")
        #expect(configuration.database == "contacts")
        #expect(configuration.maxPoolSize == 4)
        try configuration.validate()
    }

    @Test("a pool size that is not a number is rejected")
    func badPoolSize() {
        let error = #expect(throws: MongoError.self) {
            _ = try MongoConfiguration(environment: ["SWITCHBOARD_MONGO_POOL_SIZE": "many"])
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test(
        "validation rejects bad names, sizes and time-outs",
        arguments: [
            MongoConfiguration(database: ""),
            MongoConfiguration(database: "a.b"),
            MongoConfiguration(database: "has space"),
            MongoConfiguration(maxPoolSize: 0),
            MongoConfiguration(serverSelectionTimeout: .zero),
        ])
    func validation(configuration: MongoConfiguration) {
        let error = #expect(throws: MongoError.self) { try configuration.validate() }
        #expect(error?.code == .invalidArgument)
    }

    @Test("the redacted URI hides credentials and keeps the rest")
    func redaction() {
        let configuration = MongoConfiguration(uri: "mongodb://app:p%40ss@db1:27017,db2/switchboard?tls=true")
        #expect(configuration.redactedURI == "mongodb://<credentials>@db1:27017,db2/switchboard?tls=true")
        #expect(MongoConfiguration().redactedURI == "mongodb://127.0.0.1:27017")
    }
}
