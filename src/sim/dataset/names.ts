// The words the dataset's names are drawn from (order matters: the random draws index into these lists).
export const CITIES = ['Lyon', 'Ghent', 'Porto', 'Leeds', 'Turin', 'Bremen', 'Utrecht', 'Graz', 'Malmo', 'Cork', 'Bilbao', 'Krakow', 'Brno', 'Aarhus', 'Nantes', 'Basel', 'Lille', 'Lodz', 'Split', 'Riga'];
export const DEPTS: Record<string, string[]> = {
  Food: ['Dairy', 'Bakery', 'Produce', 'Frozen', 'Pantry'],
  Beverages: ['Coffee & Tea', 'Soft Drinks', 'Wine', 'Beer'],
  Home: ['Kitchen', 'Cleaning', 'Decor', 'Garden'],
  Apparel: ['Men', 'Women', 'Kids', 'Shoes'],
  Electronics: ['Audio', 'Phones', 'Accessories'],
};
export const ADJ = ['Classic', 'Organic', 'Premium', 'Everyday', 'Fresh', 'Urban', 'Nordic', 'Golden', 'Smart', 'Eco', 'Mini', 'Family'];
export const NOUN = ['Blend', 'Pack', 'Set', 'Box', 'Selection', 'Bundle', 'Kit', 'Jar', 'Bottle', 'Bag', 'Tray', 'Case'];
export const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kim', 'Lea', 'Marc', 'Nora', 'Omar', 'Paula', 'Quentin', 'Rosa', 'Sven', 'Tara', 'Umut', 'Vera', 'Wim', 'Yara', 'Zoe'];
export const LAST = ['Peeters', 'Martin', 'Silva', 'Smith', 'Rossi', 'Meyer', 'de Vries', 'Novak', 'Berg', 'Murphy', 'Garcia', 'Kowalski', 'Dvorak', 'Jensen', 'Dubois', 'Keller'];
export const JOBS = ['Chief Executive Officer', 'Store Manager', 'Cashier', 'Stock Clerk', 'Sales Associate', 'Buyer', 'Accountant', 'HR Officer'];
