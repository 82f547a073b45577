//! The interface in Vietnamese and English: one catalogue of every string the pages show
//! around the content. Each message is a variant of [`Msg`] with both texts side by side, so a
//! message without its translation does not compile. Content (titles, bodies, the registry's
//! category names and labels) carries its own language and is not translated here.
//!
//! The language of a page is part of its URL: `/en/...` is English, anything else Vietnamese,
//! so every page in either language has its own address (bookmarks, search engines, caches).

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The BCP 47 code for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// What paths in this language start with.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Vi => "",
            Lang::En => "/en",
        }
    }

    /// Open Graph locale.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Vi => "vi_VN",
            Lang::En => "en_US",
        }
    }

    /// The language a request path is in, and the path without its language prefix.
    pub fn split_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix("/en") {
            Some("") => (Lang::En, "/"),
            Some(rest) if rest.starts_with('/') => (Lang::En, rest),
            _ => (Lang::Vi, path),
        }
    }
}

macro_rules! catalogue {
    ($($key:ident => $vi:literal, $en:literal;)+) => {
        /// A message of the interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),+ }

        impl Msg {
            /// Every message, for the catalogue's own checks.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),+];

            /// The message in `lang`; `{0}`, `{1}`... stand for arguments (see [`Msg::fill`]).
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Vi) => $vi, (Msg::$key, Lang::En) => $en,)+
                }
            }
        }
    };
}

impl Msg {
    /// The message in `lang` with `{0}`, `{1}`... replaced by `args`.
    pub fn fill(self, lang: Lang, args: &[&str]) -> String {
        let mut out = self.text(lang).to_string();
        for (i, a) in args.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), a);
        }
        out
    }
}

catalogue! {
    // Layout.
    SkipToContent => "Bỏ qua, đến nội dung chính", "Skip to main content";
    MainMenu => "Menu chính", "Main menu";
    Breadcrumbs => "Đường dẫn", "Breadcrumbs";
    Home => "Trang chủ", "Home";
    About => "Giới thiệu", "About";
    News => "Tin tức", "News";
    Documents => "Văn bản", "Documents";
    PublicServices => "Dịch vụ công", "Public services";
    Questions => "Hỏi đáp", "Questions and answers";
    PortalMap => "Sơ đồ cổng", "Site map";
    Contact => "Liên hệ", "Contact";
    OtherLanguage => "English", "Tiếng Việt";
    SearchLabel => "Tìm kiếm trên cổng", "Search the portal";
    SearchButton => "Tìm", "Search";
    ProvincialPortal => "Cổng tỉnh", "Provincial portal";
    DefaultPortalName => "Cổng Thông tin điện tử tỉnh {0}", "{0} Provincial Electronic Information Portal";
    OperatorUnit => "Cơ quan chủ quản", "Operated by";
    Responsible => "Chịu trách nhiệm chính", "Responsible";
    Address => "Địa chỉ", "Address";
    Phone => "Điện thoại", "Telephone";
    Email => "Thư điện tử", "E-mail";
    Feeds => "Tin RSS", "RSS feeds";
    VersionNotes => "Ghi chú khi tiếp nhận", "Notes on receipt";
    CategoryFeeds => "Theo dõi chuyên mục này", "Follow this category";
    // Home.
    LatestIn => "Mới nhất", "Latest";
    SeeAll => "Xem tất cả: {0}", "See all: {0}";
    NothingYet => "Chưa có thông tin.", "Nothing published yet.";
    ScheduleThisWeek => "Lịch làm việc của lãnh đạo tuần này", "Leaders' schedule this week";
    ComponentPortals => "Cổng thành phần", "Component portals";
    KindDepartment => "Sở, ban, ngành", "Departments and agencies";
    KindDistrict => "Huyện, thành phố", "Districts and city";
    KindOther => "Đơn vị khác", "Other units";
    AllCategories => "Tất cả chuyên mục", "All categories";
    // Lists and tables.
    PageOf => "Trang {0} / {1}", "Page {0} of {1}";
    Pages => "Phân trang", "Pages";
    Previous => "← Trang trước", "← Previous";
    Next => "Trang sau →", "Next →";
    ItemsTotal => "{0} mục", "{0} items";
    RowsTotal => "{0} dòng", "{0} rows";
    Filter => "Lọc", "Filter";
    FilterLegend => "Lọc bảng", "Filter the table";
    ClearFilters => "Bỏ lọc", "Clear filters";
    Any => "Tất cả", "Any";
    From => "Từ ngày", "From";
    To => "Đến ngày", "To";
    Year => "Năm", "Year";
    Unit => "Đơn vị", "Unit";
    Title => "Tiêu đề", "Title";
    SortAscending => "Sắp xếp tăng dần theo {0}", "Sort by {0}, ascending";
    SortDescending => "Sắp xếp giảm dần theo {0}", "Sort by {0}, descending";
    SortedAscending => "tăng dần", "ascending";
    SortedDescending => "giảm dần", "descending";
    NoRows => "Không có dòng nào phù hợp.", "No rows match.";
    Download => "Tải dữ liệu", "Download the data";
    DownloadCsv => "CSV (Excel)", "CSV (Excel)";
    DownloadJson => "JSON", "JSON";
    TableCaption => "{0}: {1}", "{0}: {1}";
    WeekOf => "Tuần từ {0} đến {1}", "Week of {0} to {1}";
    PreviousWeek => "← Tuần trước", "← Previous week";
    NextWeek => "Tuần sau →", "Next week →";
    ThisWeek => "Tuần này", "This week";
    Day => "Ngày", "Day";
    NoScheduleThisWeek => "Chưa có lịch làm việc trong tuần.", "No engagements this week.";
    Weekday1 => "Thứ Hai", "Monday";
    Weekday2 => "Thứ Ba", "Tuesday";
    Weekday3 => "Thứ Tư", "Wednesday";
    Weekday4 => "Thứ Năm", "Thursday";
    Weekday5 => "Thứ Sáu", "Friday";
    Weekday6 => "Thứ Bảy", "Saturday";
    Weekday7 => "Chủ Nhật", "Sunday";
    // Items.
    Published => "Ngày đăng", "Published";
    Author => "Tác giả", "Author";
    Source => "Nguồn", "Source";
    Category => "Chuyên mục", "Category";
    Details => "Thông tin chi tiết", "Details";
    Keywords => "Từ khóa", "Keywords";
    VersionHistory => "Lịch sử phiên bản ({0})", "Version history ({0})";
    History => "Lịch sử phiên bản", "Version history";
    EnglishVersion => "Bản tiếng Anh", "English version";
    VietnameseVersion => "Bản tiếng Việt", "Vietnamese version";
    Print => "In trang này", "Print this page";
    WithdrawnTitle => "Tin bài đã được gỡ bỏ", "This item was withdrawn";
    WithdrawnOn => "Tin bài “{0}” đã được gỡ khỏi cổng lúc {1}.", "The item “{0}” was withdrawn from the portal on {1}.";
    WithdrawnNoDate => "Tin bài “{0}” đã được gỡ khỏi cổng.", "The item “{0}” was withdrawn from the portal.";
    WithdrawnReason => "Lý do", "Reason";
    WithdrawnHistory => "Các phiên bản đã đăng vẫn được lưu trữ:", "The versions published are kept in the archive:";
    WithdrawnBadge => "Đã gỡ bỏ", "Withdrawn";
    Item => "Bài", "Item";
    Version => "Phiên bản", "Version";
    ReceivedAt => "Thời điểm nhận", "Received";
    Compare => "So sánh", "Compare";
    WithVersion => "với phiên bản {0}", "with version {0}";
    HistoryCaption => "Trang {0} / {1}: {2} phiên bản, mới nhất trước", "Page {0} of {1}: {2} versions, newest first";
    Newer => "← Mới hơn", "← Newer";
    Older => "Cũ hơn →", "Older →";
    HistoryPages => "Các trang lịch sử", "History pages";
    CompareTitle => "So sánh phiên bản {0} và {1}", "Versions {0} and {1} compared";
    LinesRemoved => "− dòng bị bỏ", "− lines removed";
    LinesAdded => "+ dòng được thêm", "+ lines added";
    // Other pages.
    QuestionsIntro => "Chuyên mục hỏi đáp trực tuyến đang được xây dựng. Trong thời gian này, xin gửi câu hỏi, góp ý về cơ quan vận hành cổng qua địa chỉ dưới đây.", "Online questions and answers are being set up. Meanwhile, please send questions and comments to the portal's operator at the address below.";
    ContactIntro => "Cơ quan vận hành cổng thông tin:", "The portal is operated by:";
    OfficialContacts => "Danh bạ cán bộ, công chức có thẩm quyền", "Contacts of competent officials";
    PortalMapIntro => "Mọi chuyên mục và cổng thành phần của cổng thông tin.", "Every category and component portal of the portal.";
    NotFoundTitle => "Không tìm thấy trang", "Page not found";
    NotFoundText => "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.", "The page you asked for does not exist or has moved.";
    UnknownPortal => "Không có cổng thành phần này.", "There is no such component portal.";
    UnavailableTitle => "Trang tạm thời không hiển thị được", "This page cannot be shown right now";
    UnavailableText => "Hệ thống đang bận hoặc trang này không thể hiển thị. Vui lòng thử lại sau.", "The portal is busy or cannot show this page. Please try again later.";
    BadRequestTitle => "Yêu cầu không hợp lệ", "The request is not valid";
    BadRequestText => "Không hiểu được tham số của trang: {0}.", "A parameter of the page is not understood: {0}.";
    BackHome => "Về trang chủ", "Back to the home page";
    // Search.
    SearchTitle => "Tìm kiếm", "Search";
    SearchResultsFor => "Kết quả tìm kiếm cho “{0}”", "Search results for “{0}”";
    SearchCount => "{0} kết quả", "{0} results";
    SearchNone => "Không tìm thấy kết quả nào. Hãy thử từ khóa khác, hoặc bỏ bớt bộ lọc.", "Nothing found. Try other words, or fewer filters.";
    SearchEmpty => "Nhập từ khóa để tìm, có dấu hay không dấu đều được.", "Type words to search for, with or without Vietnamese diacritics.";
    SearchAllUnits => "Mọi đơn vị", "All units";
    SearchAllCategories => "Mọi chuyên mục", "All categories";
    SearchFilters => "Tìm nâng cao", "Refine the search";
    // Search results (service::search, pages::search).
    SearchQueryLabel => "Từ khóa", "Words to search for";
    SearchHint => "Có dấu hay không dấu đều được; đặt cụm từ trong dấu ngoặc kép, ví dụ “đầu tư công”; số hiệu văn bản như 03/2019/QĐ-UBND.", "With or without Vietnamese diacritics; put a phrase in double quotes, e.g. “đầu tư công”; document numbers such as 03/2019/QĐ-UBND.";
    SearchProblemTitle => "Không tìm được với từ khóa này", "This search cannot be run";
    SearchTooLong => "Từ khóa quá dài ({0} ký tự); tối đa {1} ký tự. Hãy rút gọn từ khóa.", "The query is too long ({0} characters); at most {1} are allowed. Please shorten it.";
    SearchNoWords => "Từ khóa không có chữ hay số nào để tìm. Dấu câu, ngoặc và các toán tử như AND, OR không được dùng để tìm.", "The query has no letters or digits to search for. Punctuation, brackets and operators such as AND or OR are not searched.";
    SearchTooManyWords => "Từ khóa có {0} từ; tối đa {1} từ. Hãy bỏ bớt từ.", "The query has {0} words; at most {1} are allowed. Please use fewer words.";
    SearchBadFilter => "Bộ lọc “{0}” không hợp lệ; hãy chọn lại trong biểu mẫu dưới đây.", "The filter “{0}” is not valid; please choose again in the form below.";
    SearchDatesReversed => "Ngày “từ” phải trước ngày “đến”.", "The “from” date must come before the “to” date.";
    SearchUnclosedQuote => "Dấu ngoặc kép chưa đóng: các từ sau dấu được tìm như một cụm từ.", "A quotation mark was not closed: the words after it were searched as one phrase.";
    SearchOperatorsIgnored => "AND, OR, NOT không phải toán tử ở đây: kết quả chứa mọi từ đã nhập.", "AND, OR and NOT are not operators here: results contain every word typed.";
    SearchControlsRemoved => "Các ký tự điều khiển trong từ khóa đã được bỏ.", "Control characters were removed from the query.";
    SearchResultsList => "Kết quả tìm kiếm", "Search results";
    // Record values.
    Yes => "Có", "Yes";
    No => "Không", "No";
    DownloadFile => "Tải tệp", "Download";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_in_both_languages() {
        for m in Msg::ALL {
            for lang in [Lang::Vi, Lang::En] {
                let t = m.text(lang);
                assert!(!t.trim().is_empty(), "{m:?} is empty in {lang:?}");
                assert_eq!(t, t.trim(), "{m:?} has stray spaces in {lang:?}");
            }
            // Arguments are the same in both.
            let args = |l| {
                let t = m.text(l);
                (0..4).filter(|i| t.contains(&format!("{{{i}}}"))).count()
            };
            assert_eq!(args(Lang::Vi), args(Lang::En), "{m:?}");
        }
        assert_eq!(Msg::PageOf.fill(Lang::En, &["2", "7"]), "Page 2 of 7");
    }

    #[test]
    fn paths_name_their_language() {
        assert_eq!(Lang::split_path("/en"), (Lang::En, "/"));
        assert_eq!(Lang::split_path("/en/"), (Lang::En, "/"));
        assert_eq!(
            Lang::split_path("/en/t/stc/items/a"),
            (Lang::En, "/t/stc/items/a")
        );
        assert_eq!(Lang::split_path("/english"), (Lang::Vi, "/english"));
        assert_eq!(Lang::split_path("/"), (Lang::Vi, "/"));
    }
}
