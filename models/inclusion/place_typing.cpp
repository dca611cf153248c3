// The point type of a real place from its MedNum labels (models/inclusion/place_typing.hpp).
#include "models/inclusion/place_typing.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "models/inclusion/mednum_standard.hpp"
#include "models/inclusion/open_data_text.hpp"

namespace govsim::inclusion {

using open_data::split;

std::string fold_label(const std::string& s) {
  // UTF-8 Latin-1 supplement letters used in French (C3 xx) folded to their base letter.
  static constexpr std::string_view from =
      "\xa0\xa2\xa4\xa7\xa8\xa9\xaa\xab\xae\xaf\xb4\xb6\xb9\xbb\xbc\x80\x82\x84\x87\x88\x89\x8a\x8b"
      "\x8e\x8f\x94\x96\x99\x9b\x9c";
  static constexpr std::string_view to = "aaaceeeeiiooouuaaaceeeeiiooouu";
  std::string o;
  o.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      const auto k = from.find(s[i + 1]);
      if (k != std::string_view::npos) {
        o += to[k];
        ++i;
        continue;
      }
    }
    o += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  return o;
}

namespace {
bool has_code(const std::string& list, std::string_view code) {
  for (const auto& c : split(list, '|'))
    if (c == code) return true;
  return false;
}
bool contains(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}
}  // namespace

PlaceTyping type_place(const PlaceRecord& p) {
  const std::string name = fold_label(p.name), source = fold_label(p.source);
  const auto codes = split(p.typologie, '|');
  // 1. Itinerant: declared so, or typed an itinerant digital space (ENM).
  if (p.itinerant) return {PointType::Mobile, "itinerance", false};
  if (has_code(p.typologie, "ENM")) return {PointType::Mobile, "typologie", false};
  // 2. The France Services label: the national France Services list, a name carrying the label,
  // or the label's typology codes (RFS, MSAP before 2020) -- except on records of the
  // conseiller-numérique list, whose programme ("Conseillers numériques France Services") makes
  // the cartography type every host RFS.
  if (source == "france-services") return {PointType::FranceServices, "source", false};
  if (contains(name, "france service") || contains(name, "maison de services au public"))
    return {PointType::FranceServices, "nom", false};
  const bool cnfs_list = source == "conseiller-numerique";
  if (!cnfs_list && (has_code(p.typologie, "RFS") || has_code(p.typologie, "MSAP")))
    return {PointType::FranceServices, "typologie", false};
  // 3. A host of the Conseillers numériques programme.
  if (cnfs_list) return {PointType::ConseillerNumerique, "source", false};
  if (contains(p.dispositifs, "Conseillers num"))
    return {PointType::ConseillerNumerique, "dispositif_programmes_nationaux", false};
  // 4. The national typology's first code.
  if (!codes.empty() && !codes.front().empty())
    return {point_type_for(codes.front()), "typologie", false};
  // 5. Aidants Connect without a typology: habilitated agents at a public counter (town hall,
  // CCAS), who do procedures with the person.
  if (contains(p.dispositifs, "Aidants Connect"))
    return {PointType::Ccas, "dispositif_programmes_nationaux", false};
  return {PointType::Epn, "", true};
}

std::string itinerant_service(const PlaceRecord& p) {
  const auto dash = p.name.find(" - ");
  return p.source + "|" + (dash == std::string::npos ? p.name : p.name.substr(0, dash));
}

}  // namespace govsim::inclusion
