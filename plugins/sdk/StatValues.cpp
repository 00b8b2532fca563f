// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/StatValues.hpp"

#include "scx_runner/sdk/PluginError.hpp"

#include <cmath>
#include <string>

namespace scxr::sdk {

namespace {

PluginError wrong_value(const scxr_stat_desc &desc, const std::string &why)
{
	return PluginError(SCXR_ERR_INTERNAL, "plugin bug: stat '" + std::string(desc.name) + "' " + why);
}

} // namespace

StatValues::StatValues(std::span<const scxr_stat_desc> schema, scxr_stat_value *values, size_t stride)
	: schema_(schema), values_(reinterpret_cast<unsigned char *>(values)), stride_(stride)
{
	for (size_t index = 0; index < schema_.size(); ++index) {
		auto &value = *reinterpret_cast<scxr_stat_value *>(values_ + index * stride_);
		value.number.u64 = 0;
		value.flags = SCXR_STAT_ABSENT;
	}
}

scxr_stat_value &StatValues::slot(std::string_view name, const scxr_stat_desc **desc) const
{
	// A linear search from where the last one ended: stats() mostly sets the stats in schema
	// order, so each is found at the first look instead of after all the ones before it.
	for (size_t step = 0; step < schema_.size(); ++step) {
		const size_t index = (next_slot_ + step) % schema_.size();
		if (schema_[index].name && name == schema_[index].name) {
			next_slot_ = index + 1;
			*desc = &schema_[index];
			return *reinterpret_cast<scxr_stat_value *>(values_ + index * stride_);
		}
	}
	throw PluginError(SCXR_ERR_INTERNAL, "plugin bug: stat '" + std::string(name) + "' is not in the stats schema");
}

const scxr_stat_value *StatValues::find(std::string_view name) const
{
	for (size_t index = 0; index < schema_.size(); ++index)
		if (schema_[index].name && name == schema_[index].name)
			return reinterpret_cast<const scxr_stat_value *>(values_ + index * stride_);
	return nullptr;
}

void StatValues::set_unsigned(std::string_view name, uint64_t value)
{
	const scxr_stat_desc *desc = nullptr;
	scxr_stat_value &slot = this->slot(name, &desc);
	switch (desc->type) {
	case SCXR_STAT_U64: slot.number.u64 = value; break;
	case SCXR_STAT_S64:
		if (value > static_cast<uint64_t>(INT64_MAX))
			throw wrong_value(*desc, "is s64 and cannot hold " + std::to_string(value));
		slot.number.s64 = static_cast<int64_t>(value);
		break;
	case SCXR_STAT_F64: slot.number.f64 = static_cast<double>(value); break;
	default: throw wrong_value(*desc, "has an unknown type");
	}
	slot.flags = 0;
}

void StatValues::set_signed(std::string_view name, int64_t value)
{
	const scxr_stat_desc *desc = nullptr;
	scxr_stat_value &slot = this->slot(name, &desc);
	switch (desc->type) {
	case SCXR_STAT_U64:
		if (value < 0)
			throw wrong_value(*desc, "is u64 and cannot hold " + std::to_string(value));
		slot.number.u64 = static_cast<uint64_t>(value);
		break;
	case SCXR_STAT_S64: slot.number.s64 = value; break;
	case SCXR_STAT_F64: slot.number.f64 = static_cast<double>(value); break;
	default: throw wrong_value(*desc, "has an unknown type");
	}
	slot.flags = 0;
}

void StatValues::set(std::string_view name, double value)
{
	const scxr_stat_desc *desc = nullptr;
	scxr_stat_value &slot = this->slot(name, &desc);
	if (desc->type != SCXR_STAT_F64)
		throw wrong_value(*desc, "is an integer; set it from an integer type, not from " + std::to_string(value));
	slot.number.f64 = value;
	slot.flags = 0;
}

} // namespace scxr::sdk
