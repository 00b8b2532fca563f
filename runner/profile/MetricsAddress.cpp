// SPDX-License-Identifier: GPL-2.0-only
#include "profile/MetricsAddress.hpp"

#include <charconv>

namespace scxr {

namespace {

std::optional<int> parse_port(std::string_view text)
{
	int port = -1;
	const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
	if (text.empty() || error != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535)
		return std::nullopt;
	return port;
}

bool plausible_host(std::string_view host)
{
	if (host.empty())
		return false;
	for (const char c : host)
		if (c <= ' ' || c == '/' || c == '[' || c == ']' || c == '"' || static_cast<unsigned char>(c) >= 0x7f)
			return false;
	return true;
}

} // namespace

std::optional<MetricsAddress> MetricsAddress::parse(std::string_view text)
{
	MetricsAddress address;
	std::string_view host;
	std::string_view port = text;
	if (text.starts_with('[')) {
		const size_t close = text.find("]:");
		if (close == std::string_view::npos)
			return std::nullopt;
		host = text.substr(1, close - 1);
		port = text.substr(close + 2);
		if (host.find(':') == std::string_view::npos)
			return std::nullopt; // brackets are for IPv6 only
	} else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
		host = text.substr(0, colon);
		port = text.substr(colon + 1);
		if (host.find(':') != std::string_view::npos)
			return std::nullopt; // an IPv6 address needs its brackets
	}
	const std::optional<int> number = parse_port(port);
	if (!number)
		return std::nullopt;
	address.port = *number;
	if (text.find(':') != std::string_view::npos) { // a host was given, and it must be one
		if (!plausible_host(host))
			return std::nullopt;
		address.host = std::string(host);
	}
	return address;
}

} // namespace scxr
