package gen

// market is a destination country of the company with what shapes its customers:
// language, how their names read, cities and sea port, currency and payment habits.
type market struct {
	iso2   string
	weight float64 // share of customers
	lang   string  // ISO 639-1
	style  string  // key of nameStyles
	cities []string
	port   string  // main sea port, the named place of CFR and CIF
	usd    float64 // share of customers invoiced in USD
	lc     float64 // share of customers paying by letter of credit
}

// markets: the EU core, the rest of Europe, and export markets on every continent.
var markets = []market{
	{"FR", 5, "fr", "fr", []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Grenoble"}, "Le Havre", 0, 0},
	{"DE", 9, "de", "de", []string{"München", "Köln", "Stuttgart", "Düsseldorf", "Frankfurt am Main", "Nürnberg", "Bremen"}, "Hamburg", 0, 0},
	{"IT", 6, "it", "it", []string{"Milano", "Torino", "Bologna", "Brescia", "Verona", "Genova"}, "Genova", 0, 0},
	{"ES", 6, "es", "es", []string{"Madrid", "Barcelona", "Valencia", "Bilbao", "Sevilla", "Zaragoza"}, "Valencia", 0, 0},
	{"BE", 4, "fr", "benelux", []string{"Bruxelles", "Antwerpen", "Liège", "Gent", "Charleroi"}, "Antwerpen", 0, 0},
	{"NL", 4, "nl", "benelux", []string{"Rotterdam", "Eindhoven", "Utrecht", "Amsterdam", "Groningen"}, "Rotterdam", 0, 0},
	{"PL", 3, "pl", "cee", []string{"Warszawa", "Poznan", "Wroclaw", "Katowice", "Gdansk"}, "Gdansk", 0, 0},
	{"AT", 2, "de", "de", []string{"Wien", "Linz", "Graz", "Salzburg"}, "Koper", 0, 0},
	{"PT", 2, "pt", "pt", []string{"Lisboa", "Porto", "Braga", "Aveiro"}, "Sines", 0, 0},
	{"SE", 2, "sv", "nordic", []string{"Göteborg", "Stockholm", "Malmö", "Västerås"}, "Göteborg", 0, 0},
	{"CZ", 2, "cs", "cee", []string{"Praha", "Brno", "Ostrava", "Plzen"}, "Hamburg", 0, 0},
	{"DK", 1, "da", "nordic", []string{"Aarhus", "København", "Odense"}, "Aarhus", 0, 0},
	{"FI", 1, "fi", "nordic", []string{"Helsinki", "Tampere", "Oulu"}, "Helsinki", 0, 0},
	{"IE", 1, "en", "en", []string{"Dublin", "Cork", "Limerick"}, "Dublin", 0, 0},
	{"GR", 1, "el", "cee", []string{"Athina", "Thessaloniki", "Patra"}, "Piraeus", 0, 0},
	{"RO", 1, "ro", "cee", []string{"Bucuresti", "Cluj-Napoca", "Timisoara"}, "Constanta", 0, 0},
	{"HU", 1, "hu", "cee", []string{"Budapest", "Gyor", "Debrecen"}, "Koper", 0, 0},
	{"GB", 6, "en", "en", []string{"Birmingham", "Manchester", "Leeds", "Glasgow", "Bristol", "Sheffield"}, "Felixstowe", 0, 0},
	{"CH", 4, "de", "de", []string{"Zürich", "Basel", "Genève", "Lausanne", "Winterthur"}, "Basel", 0, 0},
	{"NO", 2, "no", "nordic", []string{"Oslo", "Bergen", "Stavanger", "Trondheim"}, "Oslo", 0, 0},
	{"TR", 2, "tr", "tr", []string{"Istanbul", "Izmir", "Bursa", "Ankara", "Kocaeli"}, "Mersin", 0.4, 0.1},
	{"US", 7, "en", "en", []string{"Houston", "Chicago", "Atlanta", "Cleveland", "Charlotte", "Denver"}, "Houston", 1, 0},
	{"CA", 2, "en", "en", []string{"Montréal", "Toronto", "Calgary", "Vancouver"}, "Montréal", 0.9, 0},
	{"MX", 1.5, "es", "latam", []string{"Monterrey", "Querétaro", "Ciudad de México", "Guadalajara"}, "Veracruz", 1, 0.1},
	{"BR", 2, "pt", "br", []string{"São Paulo", "Campinas", "Curitiba", "Belo Horizonte", "Joinville"}, "Santos", 1, 0.15},
	{"AR", 1, "es", "latam", []string{"Buenos Aires", "Rosario", "Córdoba"}, "Buenos Aires", 1, 0.25},
	{"CL", 1, "es", "latam", []string{"Santiago", "Antofagasta", "Concepción"}, "San Antonio", 1, 0.05},
	{"CN", 4, "zh", "zh", []string{"Shanghai", "Tianjin", "Ningbo", "Shenzhen", "Suzhou", "Wuhan"}, "Shanghai", 0.9, 0.2},
	{"JP", 2, "ja", "ja", []string{"Tokyo", "Osaka", "Nagoya", "Yokohama"}, "Yokohama", 0.6, 0.02},
	{"KR", 1.5, "ko", "ko", []string{"Seoul", "Busan", "Ulsan", "Incheon"}, "Busan", 0.8, 0.05},
	{"IN", 2, "en", "in", []string{"Mumbai", "Pune", "Chennai", "Ahmedabad", "Bengaluru"}, "Nhava Sheva", 1, 0.35},
	{"SG", 1.5, "en", "asia", []string{"Singapore"}, "Singapore", 1, 0.05},
	{"VN", 1, "vi", "asia", []string{"Ho Chi Minh City", "Hai Phong", "Da Nang"}, "Cat Lai", 1, 0.3},
	{"TH", 1, "th", "asia", []string{"Bangkok", "Rayong", "Chonburi"}, "Laem Chabang", 1, 0.25},
	{"MY", 1, "ms", "asia", []string{"Kuala Lumpur", "Penang", "Johor Bahru"}, "Port Klang", 1, 0.2},
	{"ID", 1, "id", "asia", []string{"Jakarta", "Surabaya", "Bekasi"}, "Tanjung Priok", 1, 0.35},
	{"AU", 1.5, "en", "en", []string{"Perth", "Brisbane", "Melbourne", "Sydney"}, "Fremantle", 0.5, 0},
	{"AE", 2, "ar", "ar", []string{"Dubai", "Abu Dhabi", "Sharjah"}, "Jebel Ali", 0.8, 0.35},
	{"SA", 2, "ar", "ar", []string{"Riyadh", "Jeddah", "Dammam", "Jubail"}, "Dammam", 0.9, 0.5},
	{"QA", 1, "ar", "ar", []string{"Doha", "Mesaieed"}, "Hamad", 0.9, 0.4},
	{"EG", 1, "ar", "ar", []string{"Cairo", "Alexandria", "Port Said"}, "Alexandria", 0.7, 0.6},
	{"MA", 2, "fr", "fr", []string{"Casablanca", "Tanger", "Rabat", "Agadir"}, "Tanger Med", 0, 0.3},
	{"DZ", 1.5, "fr", "fr", []string{"Alger", "Oran", "Sétif", "Annaba"}, "Alger", 0, 0.8},
	{"TN", 1, "fr", "fr", []string{"Tunis", "Sfax", "Sousse"}, "Radès", 0, 0.4},
	{"NG", 1.5, "en", "en", []string{"Lagos", "Port Harcourt", "Abuja", "Kano"}, "Lagos", 1, 0.7},
	{"CI", 1, "fr", "fr", []string{"Abidjan", "San-Pédro", "Bouaké"}, "Abidjan", 0, 0.4},
	{"SN", 1, "fr", "fr", []string{"Dakar", "Thiès"}, "Dakar", 0, 0.4},
	{"ZA", 1.5, "en", "en", []string{"Johannesburg", "Durban", "Cape Town", "Port Elizabeth"}, "Durban", 0.8, 0.1},
	{"KE", 1, "en", "en", []string{"Nairobi", "Mombasa"}, "Mombasa", 1, 0.5},
	{"KZ", 0.7, "ru", "asia", []string{"Almaty", "Astana", "Atyrau"}, "Aktau", 1, 0.4},
}

// nameStyle makes company names that read like the country's: first part, core and
// legal form. Every character is in Windows-1252, which SAP lists are written in.
type nameStyle struct {
	first, core, form []string
}

var nameStyles = map[string]nameStyle{
	"fr": {
		first: []string{"Société", "Établissements", "Compagnie", "Groupe", "Ateliers"},
		core:  []string{"Générale Électrique", "Dupré Industrie", "Lefèvre Hydraulique", "Mercier Équipements", "Garnier Maintenance", "Bérard Énergie", "Chevalier Process", "Rousseau Frères", "Gauthier & Fils", "Lemaître Distribution", "Fauré Robinetterie", "Méditerranée Pompes"},
		form:  []string{"SA", "SAS", "SARL"},
	},
	"de": {
		first: []string{"", "", "Gebr."},
		core:  []string{"Müller", "Schäfer", "Groß", "Weiß", "Köhler", "Bäcker", "Schröder", "Krüger", "Hoffmann", "Wagner", "Maßmann", "Jäger"},
		form:  []string{"Industrietechnik GmbH", "Anlagenbau GmbH", "Hydraulik AG", "Armaturen GmbH & Co. KG", "Großhandel GmbH", "Pumpentechnik KG", "& Söhne GmbH"},
	},
	"es": {
		first: []string{"Suministros", "Industrias", "Talleres", "Hidráulica", "Comercial"},
		core:  []string{"García", "Martínez", "López", "Núñez", "Peña", "Iñiguez", "Fernández", "Ibáñez"},
		form:  []string{"S.L.", "S.A."},
	},
	"latam": {
		first: []string{"Suministros", "Industrias", "Equipos", "Distribuidora"},
		core:  []string{"del Norte", "Andina", "García", "Pacífico", "Núñez", "Técnica"},
		form:  []string{"S.A. de C.V.", "S.A.", "SpA", "S.R.L."},
	},
	"it": {
		first: []string{"Forniture", "Impianti", "Officine", "Idraulica", "Tecnologie"},
		core:  []string{"Rossi", "Bianchi", "Ferrari", "Galli", "Colombo", "Ricci", "Marino", "Bruno"},
		form:  []string{"S.p.A.", "S.r.l."},
	},
	"pt": {
		first: []string{"Indústrias", "Equipamentos", "Comércio"},
		core:  []string{"Gonçalves", "Araújo", "Simões", "Conceição", "Magalhães"},
		form:  []string{"Lda.", "S.A."},
	},
	"br": {
		first: []string{"Indústria", "Comércio", "Equipamentos", "Soluções"},
		core:  []string{"Paulista", "Gonçalves", "Araújo", "São Jorge", "Técnica Sul"},
		form:  []string{"Ltda.", "S.A."},
	},
	"benelux": {
		first: []string{"", "", "Ets."},
		core:  []string{"Van der Berg", "De Vries", "Janssens", "Bakker", "Peeters", "Maes", "Dubois", "Van Damme"},
		form:  []string{"Techniek B.V.", "Industrie N.V.", "Groothandel B.V.", "Industries SA", "Process BV"},
	},
	"nordic": {
		first: []string{"", ""},
		core:  []string{"Nordström", "Åkesson", "Sjöberg", "Jørgensen", "Østergaard", "Mäkinen", "Lindqvist", "Hägglund"},
		form:  []string{"Teknik AB", "Industri A/S", "Service Oy", "Maskin AS", "Process AB"},
	},
	"cee": {
		first: []string{"", ""},
		core:  []string{"Kowalski", "Nowak", "Novák", "Horváth", "Kovács", "Popescu", "Ionescu", "Papadopoulos", "Svoboda"},
		form:  []string{"Sp. z o.o.", "s.r.o.", "Kft.", "S.R.L.", "S.A.", "a.s."},
	},
	"en": {
		first: []string{"Atlas", "Summit", "Pioneer", "Crown", "Meridian", "Harbour", "Northern", "Pacific", "Sterling", "Redwood", "Keystone", "Lakeside"},
		core:  []string{"Industrial Supply", "Engineering", "Process Equipment", "Flow Systems", "Technical Services", "Energy Services", "Pumps & Valves"},
		form:  []string{"Ltd", "Inc.", "LLC", "Plc", "Corp.", "Pty Ltd"},
	},
	"in": {
		first: []string{"Shree", "Bharat", "Kaveri", "Deccan", "Sai"},
		core:  []string{"Engineering", "Industrial Corporation", "Flow Controls", "Process Solutions"},
		form:  []string{"Pvt. Ltd.", "Ltd."},
	},
	"asia": {
		first: []string{"Saigon", "Siam", "Penang", "Nusantara", "Lion City", "Mekong", "Steppe"},
		core:  []string{"Industrial Supplies", "Engineering", "Technical Trading", "Machinery"},
		form:  []string{"Co., Ltd.", "Pte. Ltd.", "Sdn. Bhd.", "PT", "LLP"},
	},
	"ar": {
		first: []string{"Al Noor", "Al Fajr", "Gulf", "Al Jazeera", "Al Rashid", "Arabian", "Nile"},
		core:  []string{"Trading", "Industrial Supplies", "Contracting", "Engineering", "Oilfield Services"},
		form:  []string{"LLC", "Co.", "W.L.L.", "FZE", "S.A.E."},
	},
	"zh": {
		first: []string{"Shanghai", "Tianjin", "Ningbo", "Shenzhen", "Suzhou", "Wuxi"},
		core:  []string{"Huaxin", "Hengli", "Jinlong", "Zhongda", "Dongfang", "Xinda"},
		form:  []string{"Industrial Co., Ltd.", "Machinery Co., Ltd.", "Trading Co., Ltd."},
	},
	"ja": {
		first: []string{"Nippon", "Tokyo", "Osaka", "Kansai", "Chubu"},
		core:  []string{"Kikai", "Sangyo", "Engineering", "Pump"},
		form:  []string{"K.K.", "Co., Ltd."},
	},
	"ko": {
		first: []string{"Hanil", "Daesung", "Samhwa", "Kumho"},
		core:  []string{"Industrial", "Machinery", "Engineering"},
		form:  []string{"Co., Ltd."},
	},
	"tr": {
		first: []string{"Yildiz", "Anadolu", "Marmara", "Ege", "Özdemir"},
		core:  []string{"Makina", "Endüstri", "Mühendislik", "Vana"},
		form:  []string{"A.S.", "Ltd. Sti."},
	},
}

// transport options by region of the destination: the main mode of a customer.
type modeShare struct {
	mode  string
	share float64
}

var modesByRegion = map[string][]modeShare{
	"Europe":      {{"road", 0.80}, {"courier", 0.08}, {"rail", 0.04}, {"air", 0.03}, {"multimodal", 0.03}, {"inland_waterway", 0.02}},
	"Africa":      {{"sea", 0.72}, {"air", 0.20}, {"courier", 0.05}, {"multimodal", 0.03}},
	"Middle East": {{"sea", 0.65}, {"air", 0.25}, {"courier", 0.06}, {"multimodal", 0.04}},
	"Asia":        {{"sea", 0.70}, {"air", 0.22}, {"courier", 0.05}, {"multimodal", 0.03}},
	"Americas":    {{"sea", 0.70}, {"air", 0.22}, {"courier", 0.05}, {"multimodal", 0.03}},
	"Oceania":     {{"sea", 0.75}, {"air", 0.20}, {"courier", 0.05}},
}

// Kazakhstan and North Africa are reached otherwise than their region says.
var modesByCountry = map[string][]modeShare{
	"KZ": {{"rail", 0.6}, {"road", 0.2}, {"air", 0.2}},
	"MA": {{"road", 0.35}, {"sea", 0.5}, {"air", 0.15}},
	"TN": {{"road", 0.2}, {"sea", 0.6}, {"air", 0.2}},
	"TR": {{"road", 0.6}, {"sea", 0.3}, {"air", 0.1}},
}

// Incoterms a customer agrees on, by how its goods travel.
var (
	termsAnyMode = []modeShare{{"DAP", 0.35}, {"FCA", 0.20}, {"CPT", 0.10}, {"CIP", 0.08}, {"DDP", 0.10}, {"EXW", 0.10}, {"DPU", 0.07}}
	termsSea     = []modeShare{{"FOB", 0.20}, {"CIF", 0.20}, {"CFR", 0.15}, {"FCA", 0.12}, {"CIP", 0.10}, {"DAP", 0.13}, {"FAS", 0.03}, {"CPT", 0.05}, {"DDP", 0.02}}
	termsCourier = []modeShare{{"DAP", 0.75}, {"DDP", 0.15}, {"CPT", 0.10}}
)

// Transit days by mode: the minimum and the spread.
var transitDays = map[string][2]int{
	"road": {2, 4}, "courier": {1, 3}, "rail": {12, 8}, "air": {3, 3},
	"sea": {14, 26}, "multimodal": {10, 10}, "inland_waterway": {4, 4},
}

// Carriers and forwarders by mode.
var carriers = map[string][]string{
	"road":            {"Geodis", "DB Schenker", "Dachser", "Heppner", "Kuehne+Nagel", "DHL Freight"},
	"courier":         {"DHL Express", "UPS", "FedEx", "Chronopost"},
	"rail":            {"DB Cargo", "Rail Cargo Group", "Fret SNCF"},
	"air":             {"Air France KLM Cargo", "Lufthansa Cargo", "Emirates SkyCargo", "Qatar Airways Cargo", "Cargolux"},
	"sea":             {"CMA CGM", "Maersk", "MSC", "Hapag-Lloyd", "COSCO Shipping"},
	"multimodal":      {"Kuehne+Nagel", "DSV", "CEVA Logistics"},
	"inland_waterway": {"Contargo", "Rhenus", "CFT"},
}

var forwarders = []string{"Kuehne+Nagel", "DSV", "Bolloré Logistics", "DB Schenker", "Expeditors", "CEVA Logistics", "Geodis"}

// Freight cost: euro cents per kg and per shipment row, by mode.
var freightRate = map[string][2]int64{
	"road": {18, 4500}, "courier": {600, 1500}, "rail": {12, 6000}, "air": {350, 9000},
	"sea": {8, 15000}, "multimodal": {25, 8000}, "inland_waterway": {6, 5000},
}

// SAP shipping types (VSART), as the sap profile of ingest reads them.
var sapShippingType = map[string]string{
	"road": "01", "courier": "02", "rail": "03", "sea": "04", "air": "05", "multimodal": "06", "inland_waterway": "07",
}

// SAP payment methods (ZLSCH).
var sapPaymentMethod = map[string]string{
	"open_account": "T", "documentary_collection": "D", "letter_of_credit": "L", "prepayment": "V",
}
