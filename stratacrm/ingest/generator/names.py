"""Word lists for names, companies, streets, industries, institutions and products, in both locales."""

# Common Chinese surnames with their romanisation and approximate share (%) of the population.
SURNAMES_ZH: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7), ("刘", "liu", 5.4), ("陈", "chen", 4.5),
    ("杨", "yang", 3.1), ("黄", "huang", 2.2), ("赵", "zhao", 2.0), ("吴", "wu", 2.0), ("周", "zhou", 1.9),
    ("徐", "xu", 1.5), ("孙", "sun", 1.5), ("马", "ma", 1.3), ("朱", "zhu", 1.3), ("胡", "hu", 1.3),
    ("郭", "guo", 1.2), ("何", "he", 1.2), ("高", "gao", 1.1), ("林", "lin", 1.1), ("罗", "luo", 0.9),
    ("郑", "zheng", 0.9), ("梁", "liang", 0.8), ("谢", "xie", 0.7), ("宋", "song", 0.7), ("唐", "tang", 0.7),
    ("许", "xu", 0.6), ("韩", "han", 0.6), ("冯", "feng", 0.6), ("邓", "deng", 0.6), ("曹", "cao", 0.6),
    ("彭", "peng", 0.5), ("曾", "zeng", 0.5), ("肖", "xiao", 0.5), ("田", "tian", 0.5), ("董", "dong", 0.5),
    ("袁", "yuan", 0.5), ("潘", "pan", 0.4), ("于", "yu", 0.4), ("蒋", "jiang", 0.4), ("蔡", "cai", 0.4),
    ("余", "yu", 0.4), ("杜", "du", 0.4), ("叶", "ye", 0.4), ("程", "cheng", 0.4), ("苏", "su", 0.3),
    ("魏", "wei", 0.3), ("吕", "lv", 0.3), ("丁", "ding", 0.3), ("任", "ren", 0.3), ("沈", "shen", 0.3),
)  # fmt: skip

# Characters of Chinese given names; a given name is one or two of them.
GIVEN_CHARS_ZH = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂华建国文辉玲红斌宇浩凯鹏晨欣怡雪梅琳婷丹波飞鑫俊峰海燕"
    "玉兰亮林颖佳子涵雨思嘉博轩一诺梓萱宁成龙东新春志金永庆"
)

FIRST_NAMES_EN = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
    "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Paul", "Sandra",
    "Steven", "Ashley", "Andrew", "Emily", "Joshua", "Donna", "Kevin", "Michelle", "Brian", "Carol",
    "George", "Amanda", "Edward", "Melissa", "Ronald", "Deborah", "Timothy", "Stephanie", "Jason", "Rebecca",
)  # fmt: skip
SURNAMES_EN = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts",
)  # fmt: skip

# Words for company names (trade names), in characters and romanised.
COMPANY_WORDS: tuple[tuple[str, str], ...] = (
    ("华信", "huaxin"), ("恒达", "hengda"), ("鑫源", "xinyuan"), ("宏远", "hongyuan"),
    ("永盛", "yongsheng"), ("金泰", "jintai"), ("瑞丰", "ruifeng"), ("天成", "tiancheng"),
    ("新锐", "xinrui"), ("汇通", "huitong"), ("隆基", "longji"), ("兴业", "xingye"),
    ("中联", "zhonglian"), ("正阳", "zhengyang"), ("广源", "guangyuan"), ("博远", "boyuan"),
    ("德润", "derun"), ("盛世", "shengshi"), ("明辉", "minghui"), ("万达", "wanda"),
    ("嘉禾", "jiahe"), ("东方", "dongfang"), ("长城", "changcheng"), ("富民", "fumin"),
    ("安泰", "antai"), ("华美", "huamei"), ("利华", "lihua"), ("同创", "tongchuang"),
    ("海诚", "haicheng"), ("方圆", "fangyuan"), ("宏达", "hongda"), ("立新", "lixin"),
    ("创美", "chuangmei"), ("振华", "zhenhua"), ("佳和", "jiahe"), ("远航", "yuanhang"),
    ("鼎盛", "dingsheng"), ("中天", "zhongtian"), ("三和", "sanhe"), ("锦程", "jincheng"),
)  # fmt: skip

STREETS: tuple[tuple[str, str], ...] = (
    ("人民路", "Renmin Road"), ("解放路", "Jiefang Road"), ("建设路", "Jianshe Road"),
    ("中山路", "Zhongshan Road"), ("和平路", "Heping Road"), ("长江路", "Changjiang Road"),
    ("黄河路", "Huanghe Road"), ("文化路", "Wenhua Road"), ("新华路", "Xinhua Road"),
    ("胜利路", "Shengli Road"), ("青年路", "Qingnian Road"), ("光明路", "Guangming Road"),
    ("朝阳路", "Chaoyang Road"), ("工业大道", "Gongye Avenue"), ("科技路", "Keji Road"),
    ("东风路", "Dongfeng Road"), ("滨江路", "Binjiang Road"), ("学院路", "Xueyuan Road"),
    ("幸福路", "Xingfu Road"), ("迎宾大道", "Yingbin Avenue"), ("开发区大道", "Development Zone Avenue"),
    ("园区路", "Yuanqu Road"), ("北京路", "Beijing Road"), ("南京路", "Nanjing Road"),
)  # fmt: skip

# (customer type, industry zh, name fragment zh, industry en, name fragment en, weight)
INDUSTRIES: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("commercial", "批发和零售业", "商贸", "Wholesale and retail", "Trading", 35.0),
    ("commercial", "住宿和餐饮业", "餐饮", "Accommodation and catering", "Catering", 20.0),
    ("commercial", "房地产业", "物业管理", "Real estate", "Property Management", 10.0),
    ("commercial", "信息传输、软件和信息技术服务业", "信息技术", "Information technology", "Technology", 8.0),
    ("commercial", "金融业", "投资", "Finance", "Investment", 4.0),
    ("commercial", "租赁和商务服务业", "商务服务", "Business services", "Business Services", 10.0),
    ("commercial", "居民服务、修理和其他服务业", "家政服务", "Resident services", "Home Services", 13.0),
    ("industrial", "纺织业", "纺织", "Textiles", "Textile", 12.0),
    ("industrial", "食品制造业", "食品", "Food manufacturing", "Food", 10.0),
    ("industrial", "化学原料和化学制品制造业", "化工", "Chemicals", "Chemical", 10.0),
    ("industrial", "非金属矿物制品业", "建材", "Non-metallic mineral products", "Building Materials", 10.0),
    ("industrial", "黑色金属冶炼和压延加工业", "钢铁", "Iron and steel", "Steel", 5.0),
    ("industrial", "通用设备制造业", "机械", "General equipment", "Machinery", 18.0),
    ("industrial", "汽车制造业", "汽车零部件", "Automobiles", "Auto Parts", 8.0),
    ("industrial", "计算机、通信和其他电子设备制造业", "电子", "Electronics", "Electronics", 15.0),
    ("industrial", "塑料制品业", "塑胶", "Plastic products", "Plastics", 12.0),
    ("agricultural", "农业", "果蔬种植", "Farming", "Fruit and Vegetable", 45.0),
    ("agricultural", "畜牧业", "生态养殖", "Animal husbandry", "Livestock", 30.0),
    ("agricultural", "渔业", "水产", "Fishery", "Aquaculture", 15.0),
    ("agricultural", "农、林、牧、渔专业及辅助性活动", "农机服务", "Farm services", "Farm Machinery", 10.0),
)  # fmt: skip

# Legal-form suffixes of company names: (type, zh, en)
COMPANY_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("commercial", "有限公司", "Co., Ltd."),
    ("commercial", "有限责任公司", "Co., Ltd."),
    ("industrial", "有限公司", "Co., Ltd."),
    ("industrial", "股份有限公司", "Group Co., Ltd."),
    ("agricultural", "专业合作社", "Cooperative"),
    ("agricultural", "农业发展有限公司", "Agriculture Co., Ltd."),
    ("agricultural", "家庭农场", "Family Farm"),
)

# Public institutions: (name zh, name en, industry zh, industry en, weight); the name follows the city.
INSTITUTIONS: tuple[tuple[str, str, str, str, float], ...] = (
    ("第一人民医院", "No. 1 People's Hospital", "卫生", "Health", 8.0),
    ("中医院", "Hospital of Traditional Chinese Medicine", "卫生", "Health", 5.0),
    ("疾病预防控制中心", "Center for Disease Control", "卫生", "Health", 3.0),
    ("第一中学", "No. 1 Middle School", "教育", "Education", 12.0),
    ("实验小学", "Experimental Primary School", "教育", "Education", 15.0),
    ("职业技术学院", "Vocational and Technical College", "教育", "Education", 5.0),
    ("图书馆", "Library", "文化、体育和娱乐业", "Culture and sports", 4.0),
    ("体育中心", "Sports Center", "文化、体育和娱乐业", "Culture and sports", 3.0),
    ("自来水厂", "Waterworks", "水利、环境和公共设施管理业", "Water and public facilities", 6.0),
    ("市政管理处", "Municipal Administration Office", "公共管理和社会组织", "Public administration", 10.0),
    ("政务服务中心", "Government Service Center", "公共管理和社会组织", "Public administration", 8.0),
    ("社会福利院", "Social Welfare Home", "卫生和社会工作", "Social work", 4.0),
)  # fmt: skip

# Value-added services: (zh, en, quantity min, quantity max, yuan per unit min, max, residential allowed)
PRODUCTS: tuple[tuple[str, str, float, float, float, float, bool], ...] = (
    ("充电桩安装", "EV charger installation", 1, 4, 3_000, 8_000, True),
    ("能效诊断服务", "Energy audit", 1, 1, 5_000, 50_000, False),
    ("屋顶分布式光伏安装（千瓦）", "Rooftop PV installation (kWp)", 5, 500, 3_000, 4_000, True),
    ("电能质量治理服务", "Power-quality service", 1, 1, 20_000, 200_000, False),
    ("配电设施代运维（年）", "Distribution equipment O&M (year)", 1, 3, 10_000, 100_000, False),
    ("需求响应服务", "Demand-response service", 1, 1, 2_000, 30_000, False),
    ("综合能源托管（年）", "Integrated energy management (year)", 1, 3, 50_000, 300_000, False),
)  # fmt: skip

EMAIL_DOMAINS_ZH = ("qq.com", "163.com", "126.com", "sina.com", "139.com", "aliyun.com")
EMAIL_DOMAINS_EN = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com")
# Mobile prefixes of the three carriers.
MOBILE_PREFIXES = (
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    177, 180, 181, 182, 183, 186, 187, 188, 189, 198, 199,
)  # fmt: skip
