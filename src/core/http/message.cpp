#include "core/http/message.hpp"

#include <algorithm>
#include <cctype>

namespace dictra::http {

std::string_view ToString(Method method) {
    switch (method) {
        case Method::kGet: return "GET";
        case Method::kHead: return "HEAD";
        case Method::kPost: return "POST";
        case Method::kPut: return "PUT";
        case Method::kPatch: return "PATCH";
        case Method::kDelete: return "DELETE";
        case Method::kOptions: return "OPTIONS";
        case Method::kOther: return "OTHER";
    }
    return "OTHER";
}

Method MethodFromString(std::string_view text) {
    if (text == "GET") return Method::kGet;
    if (text == "HEAD") return Method::kHead;
    if (text == "POST") return Method::kPost;
    if (text == "PUT") return Method::kPut;
    if (text == "PATCH") return Method::kPatch;
    if (text == "DELETE") return Method::kDelete;
    if (text == "OPTIONS") return Method::kOptions;
    return Method::kOther;
}

bool EqualsIgnoreCase(std::string_view left, std::string_view right) {
    return left.size() == right.size() &&
           std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

void Headers::Set(std::string_view name, std::string value) {
    std::erase_if(fields_, [&](const auto& field) { return EqualsIgnoreCase(field.first, name); });
    fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
    for (const auto& [field_name, value] : fields_) {
        if (EqualsIgnoreCase(field_name, name)) return value;
    }
    return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
    for (const auto& [param_name, value] : path_params) {
        if (param_name == name) return value;
    }
    return {};
}

std::optional<std::string_view> Request::QueryParam(std::string_view name) const {
    for (const auto& [param_name, value] : query) {
        if (param_name == name) return value;
    }
    return std::nullopt;
}

Response JsonText(Status status, std::string json) {
    return Response{status, {}, "application/json", std::move(json)};
}

Response Text(Status status, std::string content_type, std::string body) {
    return Response{status, {}, std::move(content_type), std::move(body)};
}

Response Empty(Status status) {
    return Response{status, {}, {}, {}};
}

}  // namespace dictra::http
