#include "formats/iso20022/schema_validator.hpp"

#include <libxml/xmlschemas.h>

#include <fstream>
#include <iterator>

#include "formats/iso20022/libxml2_document.hpp"
#include "formats/iso20022/xml_reader.hpp"
#include "formats/iso20022/xml_writer.hpp"

namespace dictra::formats::iso20022 {

struct SchemaValidator::Compiled {
    xmlSchemaPtr schema = nullptr;
    ~Compiled() {
        if (schema != nullptr) xmlSchemaFree(schema);
    }
};

namespace {

constexpr std::string_view kXmlSchemaNamespace = "http://www.w3.org/2001/XMLSchema";
// XSD files nest deeper than messages (schema/complexType/sequence/choice/element/...).
constexpr std::size_t kSchemaDepthMax = 64;

std::string Trimmed(const char* message) {
    std::string text = message != nullptr ? message : "unknown error";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

struct IssueCollector {
    std::vector<SchemaIssue> issues;
    bool truncated = false;
};

void CollectIssue(void* context, xmlErrorPtr error) {
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    auto* collector = static_cast<IssueCollector*>(context);
    if (collector->issues.size() >= kSchemaIssuesMax) {
        collector->truncated = true;
        return;
    }
    std::string message = Trimmed(error->message);
    // Schema compilation errors name the XSD file they are in.
    if (error->file != nullptr) message = std::string(error->file) + ": " + message;
    collector->issues.push_back({error->line, std::move(message)});
}

Result<std::string> ReadSchemaFile(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error) return Error::NotFound("schema " + path.string() + ": " + error.message());
    if (size > kSchemaFileBytesMax) {
        return Error::InvalidArgument("schema " + path.string() + " is over " +
                                      std::to_string(kSchemaFileBytesMax) + " bytes");
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error::NotFound("schema " + path.string() + ": cannot open");
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

Result<std::string> TargetNamespaceOf(const std::filesystem::path& path) {
    DICTRA_ASSIGN_OR_RETURN(std::string text, ReadSchemaFile(path));
    auto document = internal::XmlDocument::Parse(
        text, internal::XmlLimits{kSchemaFileBytesMax, kSchemaDepthMax});
    if (!document.ok()) {
        return Error::InvalidArgument("schema " + path.string() + ": " + document.error().message);
    }
    internal::Element root = document->Root("schema");
    if (root.name() != "schema" || root.namespace_uri() != kXmlSchemaNamespace) {
        return Error::InvalidArgument("schema " + path.string() + " is not an xs:schema");
    }
    std::optional<std::string> target = root.Attribute("targetNamespace");
    if (!target || target->empty()) {
        return Error::InvalidArgument("schema " + path.string() + " has no targetNamespace");
    }
    return *target;
}

}  // namespace

Result<SchemaValidator> SchemaValidator::Load(const std::vector<std::filesystem::path>& xsd_paths) {
    if (xsd_paths.empty()) return Error::InvalidArgument("no schema files given");
    internal::InitLibxml2Once();

    // A driver schema without a namespace that imports every file under its namespace.
    std::string driver =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n";
    for (const std::filesystem::path& path : xsd_paths) {
        DICTRA_ASSIGN_OR_RETURN(std::string target_namespace, TargetNamespaceOf(path));
        std::error_code error;
        const std::filesystem::path absolute = std::filesystem::absolute(path, error);
        if (error) return Error::NotFound("schema " + path.string() + ": " + error.message());
        driver += "  <xs:import namespace=\"";
        internal::AppendEscapedAttribute(driver, target_namespace);
        driver += "\" schemaLocation=\"";
        internal::AppendEscapedAttribute(driver, absolute.string());
        driver += "\"/>\n";
    }
    driver += "</xs:schema>\n";

    internal::ThreadErrorCapture thread_errors;
    IssueCollector collector;
    xmlSchemaParserCtxtPtr parser =
        xmlSchemaNewMemParserCtxt(driver.data(), static_cast<int>(driver.size()));
    if (parser == nullptr) return Error::ResourceExhausted("cannot create a schema parser");
    xmlSchemaSetParserStructuredErrors(parser, &CollectIssue, &collector);
    auto compiled = std::make_shared<Compiled>();
    compiled->schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (compiled->schema == nullptr || !collector.issues.empty()) {
        std::string message = "schema compilation failed";
        for (const SchemaIssue& issue : collector.issues) {
            message += "; line " + std::to_string(issue.line) + ": " + issue.message;
        }
        if (collector.issues.empty() && thread_errors.has_error()) {
            message += ": " + thread_errors.message();
        }
        return Error::InvalidArgument(std::move(message));
    }
    return SchemaValidator(std::move(compiled));
}

std::vector<SchemaIssue> SchemaValidator::Check(std::string_view xml) const {
    auto document = internal::Libxml2Document::Parse(xml);
    if (!document.ok()) return {SchemaIssue{0, document.error().message}};

    internal::ThreadErrorCapture thread_errors;
    IssueCollector collector;
    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(compiled_->schema);
    if (context == nullptr) return {SchemaIssue{0, "cannot create a validation context"}};
    xmlSchemaSetValidStructuredErrors(context, &CollectIssue, &collector);
    const int result = xmlSchemaValidateDoc(context, document->get());
    xmlSchemaFreeValidCtxt(context);
    if (result != 0 && collector.issues.empty()) {
        collector.issues.push_back(
            {thread_errors.line(), thread_errors.has_error()
                                       ? thread_errors.message()
                                       : "invalid (libxml2 code " + std::to_string(result) + ")"});
    }
    return std::move(collector.issues);
}

Status SchemaValidator::Validate(std::string_view xml) const {
    const std::vector<SchemaIssue> issues = Check(xml);
    if (issues.empty()) return Ok();
    std::string message;
    for (const SchemaIssue& issue : issues) {
        if (!message.empty()) message += "; ";
        message += "line " + std::to_string(issue.line) + ": " + issue.message;
    }
    return Error::InvalidArgument(std::move(message));
}

}  // namespace dictra::formats::iso20022
