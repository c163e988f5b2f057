#ifndef STAPEL_REPORT_HTML_ESCAPE_H_
#define STAPEL_REPORT_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace stapel {

// Text made safe inside HTML elements and quoted attributes: & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace stapel

#endif  // STAPEL_REPORT_HTML_ESCAPE_H_
